import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LRUCache } from 'lru-cache';

/**
 * Reads of DynamoDB items kept between writes, for a table only this process writes: the embedded
 * server (dynalite, in this process). Every synchronous generation reads its template item, and
 * through the in-process server a GetItem costs a full HTTP exchange and a LevelDB read on this
 * thread (~2 ms of a ~15 ms request). Nothing here is used against AWS, where other Lambda
 * instances write the same tables and only DynamoDB itself can say what is current.
 *
 * The cache is exact, not time-bound: any command that is not a read, sent through the client by
 * anyone in this process (every repository, cleanup, scripts), moves a generation counter when it
 * starts and when it ends, and an entry is used only while the generation it was read under holds.
 * A read that overlapped a write is therefore never kept.
 */

/** Commands that change nothing: item reads, and the table descriptions health checks and bootstrap ask for. */
const READS = new Set([
  'GetItemCommand',
  'BatchGetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'TransactGetItemsCommand',
  'DescribeTableCommand',
  'ListTablesCommand',
  'DescribeTimeToLiveCommand',
]);

interface Counter {
  value: number;
}
const counters = new WeakMap<DynamoDBClient, Counter>();

/** The write generation of `client` (its middleware is added once, on the first call). */
export function writeGeneration(client: DynamoDBClient): () => number {
  let counter = counters.get(client);
  if (!counter) {
    const c: Counter = { value: 0 };
    counter = c;
    counters.set(client, c);
    // On the client's own stack, which the DocumentClient over it shares: every command passes here.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? '';
        if (READS.has(name)) return next(args);
        c.value++;
        try {
          return await next(args);
        } finally {
          c.value++;
        }
      },
      { step: 'initialize', name: 'pdfStudioWriteGeneration' },
    );
  }
  const found = counter;
  return () => found.value;
}

/**
 * `repo` with the named read methods answered from memory while no write happened since they were
 * read. Callers get a copy, so changing a result never changes the cache. Failures are not kept.
 */
export function withReadCache<T extends object>(repo: T, methods: readonly (keyof T & string)[], generation: () => number, max = 2000): T {
  const cache = new LRUCache<string, { generation: number; value: unknown }>({ max });
  const cached = new Set<string>(methods);
  return new Proxy(repo, {
    get(target, prop, receiver) {
      const member = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !cached.has(prop) || typeof member !== 'function') return member;
      return async (...args: unknown[]) => {
        const key = `${prop}\0${JSON.stringify(args)}`;
        const at = generation();
        const hit = cache.get(key);
        if (hit && hit.generation === at) return structuredClone(hit.value);
        const value = (await (member as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
        if (generation() === at) cache.set(key, { generation: at, value: structuredClone(value) });
        return value;
      };
    },
  });
}
