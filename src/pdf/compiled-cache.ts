import { LRUCache } from 'lru-cache';
import { compileTemplate, type CompiledTemplate } from './compile.js';
import type { EngineField } from './types.js';

/** What a template is compiled from. */
export interface TemplateInputs { base: Uint8Array; fields: EngineField[] }

/**
 * Compiled templates by key, at most `max`, the least recently used dropped first. The promise is
 * kept, so concurrent first uses compile once; a failed compile is forgotten, so it is retried.
 * One mechanism for every place that compiles again and again: the service (by template id and
 * version), a batch's own thread and each batch worker (by template hash).
 */
export class CompiledTemplateCache {
  private readonly cache: LRUCache<string, Promise<CompiledTemplate>>;

  constructor(max: number) {
    this.cache = new LRUCache({ max });
  }

  /** The cached compile, if any (counts as a use). */
  get(key: string): Promise<CompiledTemplate> | undefined {
    return this.cache.get(key);
  }

  /** The cached compile, or compiles what `inputs` gives (read only on a miss). */
  compile(key: string, inputs: () => TemplateInputs | Promise<TemplateInputs>): Promise<CompiledTemplate> {
    let entry = this.cache.get(key);
    if (!entry) {
      entry = Promise.resolve().then(inputs).then(({ base, fields }) => compileTemplate(base, fields));
      this.cache.set(key, entry);
      const mine = entry;
      mine.catch(() => {
        if (this.cache.peek(key) === mine) this.cache.delete(key);
      });
    }
    return entry;
  }

  get size(): number {
    return this.cache.size;
  }

  clear(): void {
    this.cache.clear();
  }
}
