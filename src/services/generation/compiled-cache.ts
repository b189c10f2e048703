import type { EngineField } from '@/pdf/index.js';
import { pooledRenderer, type EngineSettings, type Renderer } from '@/pdf/engine-pool.js';
import { PromiseCache } from '@/shared/promise-cache.js';

/**
 * Compile once, generate many: parsing the base PDF and placing fields dominates a single
 * generation, so renderers are kept per process, keyed by (templateId, version) — a new version
 * (or an edited draft) has a new key, so nothing needs explicit invalidation. The renderer runs on
 * the engine pool (each thread compiles the template once, on its first document of it).
 */
const cache = new PromiseCache<Renderer>({ max: 64 });

export function compiled(
  cacheKey: string,
  load: () => Promise<{ base: Uint8Array; fields: EngineField[] }>,
  engine: EngineSettings,
): Promise<Renderer> {
  return cache.getOrCreate(cacheKey, async () => pooledRenderer(cacheKey, load, engine));
}

export function compiledCacheStats(): { size: number } {
  return { size: cache.size };
}

export function clearCompiledCache(): void {
  cache.clear();
}
