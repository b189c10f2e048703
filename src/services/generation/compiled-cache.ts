import { LRUCache } from 'lru-cache';
import { compileTemplate, type CompiledTemplate, type EngineField } from '@/pdf/index.js';

/**
 * Compile once, generate many: parsing the base PDF and placing fields dominates a single
 * generation, so compiled templates are kept per process, keyed by (templateId, version) — a new
 * version (or an edited draft) has a new key, so nothing needs explicit invalidation. The promise
 * is cached, so concurrent first requests compile once.
 */
const cache = new LRUCache<string, Promise<CompiledTemplate>>({ max: 64 });

export async function compiled(cacheKey: string, load: () => Promise<{ base: Uint8Array; fields: EngineField[] }>): Promise<CompiledTemplate> {
  let entry = cache.get(cacheKey);
  if (!entry) {
    entry = load().then(({ base, fields }) => compileTemplate(base, fields));
    cache.set(cacheKey, entry);
    // A failed compile must not be remembered.
    entry.catch(() => cache.delete(cacheKey));
  }
  return entry;
}

export function compiledCacheStats(): { size: number } {
  return { size: cache.size };
}

export function clearCompiledCache(): void {
  cache.clear();
}
