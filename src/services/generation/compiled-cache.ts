import { compileTemplate, type CompiledTemplate, type EngineField } from '@/pdf/index.js';
import { PromiseCache } from '@/shared/promise-cache.js';

/**
 * Compile once, generate many: parsing the base PDF and placing fields dominates a single
 * generation, so compiled templates are kept per process, keyed by (templateId, version) — a new
 * version (or an edited draft) has a new key, so nothing needs explicit invalidation. The promise
 * is cached, so concurrent first requests compile once.
 */
const cache = new PromiseCache<CompiledTemplate>({ max: 64 });

export function compiled(cacheKey: string, load: () => Promise<{ base: Uint8Array; fields: EngineField[] }>): Promise<CompiledTemplate> {
  return cache.getOrCreate(cacheKey, async () => {
    const { base, fields } = await load();
    return compileTemplate(base, fields);
  });
}

export function compiledCacheStats(): { size: number } {
  return { size: cache.size };
}

export function clearCompiledCache(): void {
  cache.clear();
}
