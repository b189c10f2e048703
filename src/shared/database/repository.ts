import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { AppError, ConflictError, NotFoundError, ValidationError } from '@/shared/errors.js';
import { chunk, mapLimit, sleep } from './ddb/batch.js';
import { decodeCursor, encodeCursor } from './ddb/cursor.js';
import { ExpressionContext, allOf, buildUpdateExpression, cond, type Condition } from './ddb/expressions.js';

/**
 * The base DynamoDB repository: single-table CRUD with conditions, GSI queries with opaque
 * cursors, and batch reads/writes of any length. No transactions (the local server has no
 * TransactWriteItems): invariants are kept with conditional writes, and a failed condition becomes
 * a typed error (NotFoundError or ConflictError, chosen per operation).
 */

export type Key = Record<string, string | number>;
export type Item = Record<string, unknown>;

export interface IndexKeys {
  hash: string;
  range?: string;
}

export interface BatchRetryOptions {
  /** Attempts per chunk, the first included, before BatchIncompleteError. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Chunks in flight at once. */
  concurrency: number;
}

export interface RepositoryConfig {
  docClient: DynamoDBDocumentClient;
  tableName: string;
  /** The table's key attributes (hash, then range if any). */
  keyAttributes: readonly string[];
  /** GSI name → its key attributes (for cursor validation). */
  indexes?: Record<string, IndexKeys>;
  /** Used in error messages: "Template 123 not found". */
  entityName: string;
  batch?: Partial<BatchRetryOptions>;
  /**
   * The TTL attribute (epoch seconds). DynamoDB deletes expired items only eventually (up to days
   * later; the local server never), so reads hide items whose TTL has passed unless asked not to.
   */
  ttlAttribute?: string;
}

/** Reads hide expired items (see RepositoryConfig.ttlAttribute) unless includeExpired is set. */
export interface ReadOptions {
  consistent?: boolean;
  includeExpired?: boolean;
}

export type OnConditionFailed = 'not_found' | 'conflict';

export interface WriteOptions {
  condition?: Condition;
  onConditionFailed?: OnConditionFailed;
}

export interface UpdateItemOptions extends WriteOptions {
  /** Adds attribute_exists(key) so an update never creates an item (default true). */
  mustExist?: boolean;
  /** With mustExist, an expired item (see ttlAttribute) counts as missing unless this is set. */
  includeExpired?: boolean;
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  nextCursor?: string;
}

export interface QueryOptions {
  /** GSI name; omit to query the table itself. */
  index?: string;
  partition: { name: string; value: string | number };
  range?: { name: string; op: '=' | '<' | '<=' | '>' | '>=' | 'begins_with'; value: string | number };
  filter?: Condition;
  /** Attributes to return (default all). Key attributes of the index are always added. */
  projection?: readonly string[];
  /** Newest/largest first when false. */
  forward?: boolean;
  limit: number;
  cursor?: string;
  includeExpired?: boolean;
}

/** A batch could not be completed within the retry budget (throttling that does not clear). */
export class BatchIncompleteError extends AppError {
  constructor(operation: 'batchGet' | 'batchWrite', table: string, remaining: number) {
    super('batch_incomplete', `${operation} on ${table}: ${remaining} item(s) still unprocessed after retries`, {
      operation,
      table,
      remaining,
    });
  }
}

export { chunk, mapLimit };

const DEFAULT_BATCH: BatchRetryOptions = { maxAttempts: 8, baseDelayMs: 25, maxDelayMs: 2_000, concurrency: 4 };
export const BATCH_GET_LIMIT = 100;
export const BATCH_WRITE_LIMIT = 25;

function isConditionFailure(err: unknown): boolean {
  return (err as { name?: string })?.name === 'ConditionalCheckFailedException';
}

let lastTimestamp = 0;
/** ISO time, strictly increasing within the process so "newest first" is total even for bursts. */
export function monotonicNow(): string {
  const now = Math.max(Date.now(), lastTimestamp + 1);
  lastTimestamp = now;
  return new Date(now).toISOString();
}

export class DynamoRepository<T extends Item> {
  readonly docClient: DynamoDBDocumentClient;
  readonly tableName: string;
  protected readonly keyAttributes: readonly string[];
  protected readonly indexes: Record<string, IndexKeys>;
  protected readonly entityName: string;
  protected readonly batchOptions: BatchRetryOptions;
  protected readonly ttlAttribute: string | undefined;

  constructor(config: RepositoryConfig) {
    this.docClient = config.docClient;
    this.tableName = config.tableName;
    this.keyAttributes = config.keyAttributes;
    this.indexes = config.indexes ?? {};
    this.entityName = config.entityName;
    this.batchOptions = { ...DEFAULT_BATCH, ...config.batch };
    this.ttlAttribute = config.ttlAttribute;
  }

  /** False for an item whose TTL has passed (it is gone as far as callers are concerned). */
  protected isLive(item: Item | undefined, options: { includeExpired?: boolean } = {}): boolean {
    if (!item) return false;
    if (options.includeExpired || !this.ttlAttribute) return true;
    const ttl = item[this.ttlAttribute];
    return typeof ttl !== 'number' || ttl > Date.now() / 1000;
  }

  /** The query-side equivalent of isLive, as a filter. */
  private liveFilter(includeExpired: boolean | undefined): Condition | undefined {
    const attr = this.ttlAttribute;
    if (!attr || includeExpired) return undefined;
    return (ctx) => {
      const now = Math.floor(Date.now() / 1000);
      return cond.or(cond.notExists(attr), (c) => `${c.name(attr)} > ${c.value(now)}`)(ctx);
    };
  }

  protected now(): string {
    return monotonicNow();
  }

  keyOf(item: Item): Key {
    return Object.fromEntries(this.keyAttributes.map((a) => [a, item[a] as string | number]));
  }

  private describeKey(key: Key): string {
    return this.keyAttributes.map((a) => String(key[a])).join('/');
  }

  private conditionError(key: Key, mode: OnConditionFailed): AppError {
    return mode === 'not_found'
      ? new NotFoundError(this.entityName, this.describeKey(key))
      : new ConflictError('conflict', `${this.entityName} ${this.describeKey(key)} was changed or already exists`, { key });
  }

  async getItem(key: Key, options: ReadOptions = {}): Promise<T | undefined> {
    const out = await this.docClient.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: options.consistent }));
    return this.isLive(out.Item, options) ? (out.Item as T) : undefined;
  }

  /** Put; with a condition (e.g. cond.notExists(key)) a failure is a ConflictError by default. */
  async putItem(item: T, options: WriteOptions = {}): Promise<T> {
    const ctx = new ExpressionContext();
    const condition = options.condition?.(ctx);
    try {
      await this.docClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(condition ? { ConditionExpression: condition, ...ctx.params() } : {}),
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw this.conditionError(this.keyOf(item), options.onConditionFailed ?? 'conflict');
      throw err;
    }
    return item;
  }

  /**
   * Partial update (see buildUpdateExpression for the rules), returning the whole new item. By
   * default the item must exist; a failed condition is a NotFoundError unless told otherwise.
   */
  async updateItem(key: Key, changes: Partial<T> | Record<string, unknown>, options: UpdateItemOptions = {}): Promise<T> {
    const ctx = new ExpressionContext();
    const update = buildUpdateExpression(ctx, changes as Record<string, unknown>, { immutable: this.keyAttributes });
    const mustExist = options.mustExist !== false;
    const condition = allOf(
      mustExist ? cond.exists(this.keyAttributes[0]) : undefined,
      mustExist ? this.liveFilter(options.includeExpired) : undefined,
      options.condition,
    )?.(ctx);
    try {
      const out = await this.docClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: update,
          ...(condition ? { ConditionExpression: condition } : {}),
          ...ctx.params(),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as T;
    } catch (err) {
      if (isConditionFailure(err)) throw this.conditionError(key, options.onConditionFailed ?? 'not_found');
      throw err;
    }
  }

  /** Delete, returning the deleted item. By default the item must exist (else NotFoundError). */
  async deleteItem(key: Key, options: UpdateItemOptions = {}): Promise<T | undefined> {
    const ctx = new ExpressionContext();
    const condition = allOf(options.mustExist === false ? undefined : cond.exists(this.keyAttributes[0]), options.condition)?.(ctx);
    try {
      const out = await this.docClient.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key,
          ...(condition ? { ConditionExpression: condition, ...ctx.params() } : {}),
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes as T | undefined;
    } catch (err) {
      if (isConditionFailure(err)) throw this.conditionError(key, options.onConditionFailed ?? 'not_found');
      throw err;
    }
  }

  /** The attributes a LastEvaluatedKey of this index carries. */
  private cursorAttributes(index: string | undefined): string[] {
    const attrs = new Set(this.keyAttributes);
    if (index) {
      const keys = this.indexes[index];
      if (!keys) throw new Error(`unknown index ${index} on ${this.tableName}`);
      attrs.add(keys.hash);
      if (keys.range) attrs.add(keys.range);
    }
    return [...attrs];
  }

  /**
   * One page of a query. With a filter, DynamoDB's Limit counts items read, not items returned, so
   * we keep reading (asking each time for no more than what is missing) until the page is full or
   * the partition is exhausted; the last LastEvaluatedKey is then exactly where the page ends.
   */
  async queryPage(options: QueryOptions): Promise<Page<T>> {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new ValidationError('invalid page size', [
        { path: 'limit', code: 'invalid_limit', message: 'limit must be a positive integer' },
      ]);
    }
    const cursorAttributes = this.cursorAttributes(options.index);
    let startKey: Record<string, unknown> | undefined = options.cursor
      ? decodeCursor(options.cursor, { attributes: cursorAttributes, fixed: { [options.partition.name]: options.partition.value } })
      : undefined;
    const items: T[] = [];
    do {
      const ctx = new ExpressionContext();
      let keyCondition = `${ctx.name(options.partition.name)} = ${ctx.value(options.partition.value)}`;
      if (options.range) {
        const { name, op, value } = options.range;
        keyCondition +=
          op === 'begins_with'
            ? ` AND begins_with(${ctx.name(name)}, ${ctx.value(value)})`
            : ` AND ${ctx.name(name)} ${op} ${ctx.value(value)}`;
      }
      const filter = allOf(options.filter, this.liveFilter(options.includeExpired))?.(ctx);
      const projection = options.projection
        ? [...new Set([...options.projection, ...cursorAttributes])].map((a) => ctx.name(a)).join(', ')
        : undefined;
      let out;
      try {
        out = await this.docClient.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: options.index,
            KeyConditionExpression: keyCondition,
            ...(filter ? { FilterExpression: filter } : {}),
            ...(projection ? { ProjectionExpression: projection } : {}),
            ...ctx.params(),
            ScanIndexForward: options.forward ?? true,
            Limit: options.limit - items.length,
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (err) {
        // Last line of defence: a start key DynamoDB itself refuses is still the caller's bad cursor.
        if (startKey && (err as { name?: string }).name === 'ValidationException' && /start|key/i.test(String((err as Error).message))) {
          throw new ValidationError(
            'invalid cursor',
            [{ path: 'cursor', code: 'invalid_cursor', message: 'cursor does not match this listing' }],
            'invalid_cursor',
          );
        }
        throw err;
      }
      items.push(...((out.Items ?? []) as T[]));
      startKey = out.LastEvaluatedKey;
    } while (startKey && items.length < options.limit);
    return { items, nextCursor: encodeCursor(startKey) };
  }

  /** Every item of a query (pages of `pageSize` until the end). */
  async queryAll(options: Omit<QueryOptions, 'limit' | 'cursor'> & { pageSize?: number }): Promise<T[]> {
    const all: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.queryPage({ ...options, limit: options.pageSize ?? 500, cursor });
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  private async backoff(attempt: number): Promise<void> {
    // Full jitter (AWS architecture blog): uniform in [0, min(cap, base·2^attempt)].
    const { baseDelayMs, maxDelayMs } = this.batchOptions;
    await sleep(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
  }

  /**
   * Reads any number of keys (chunks of 100, UnprocessedKeys retried with backoff). Duplicate keys
   * are read once. Returns the found items in the order of `keys`; missing ones are left out.
   */
  async batchGetItems(keys: readonly Key[], options: ReadOptions = {}): Promise<T[]> {
    const unique = new Map<string, Key>();
    for (const key of keys) unique.set(JSON.stringify(this.keyOf(key)), this.keyOf(key));
    const found = new Map<string, T>();
    await mapLimit(chunk([...unique.values()], BATCH_GET_LIMIT), this.batchOptions.concurrency, async (part) => {
      let pending: Key[] = part;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= this.batchOptions.maxAttempts) throw new BatchIncompleteError('batchGet', this.tableName, pending.length);
        if (attempt > 0) await this.backoff(attempt);
        const out = await this.docClient.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: options.consistent } } }),
        );
        for (const item of (out.Responses?.[this.tableName] ?? []) as T[]) {
          if (this.isLive(item, options)) found.set(JSON.stringify(this.keyOf(item)), item);
        }
        pending = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Key[];
      }
    });
    const result: T[] = [];
    for (const id of unique.keys()) {
      const item = found.get(id);
      if (item) result.push(item);
    }
    return result;
  }

  /**
   * Writes any number of puts/deletes (chunks of 25, UnprocessedItems retried with backoff, then
   * BatchIncompleteError). Unconditional by nature (BatchWriteItem has no conditions); a key that
   * appears twice keeps its last request, since DynamoDB refuses duplicates within one batch.
   */
  async batchWriteItems(requests: readonly ({ put: T } | { delete: Key })[]): Promise<void> {
    const byKey = new Map<string, Record<string, unknown>>();
    for (const request of requests) {
      if ('put' in request) byKey.set(JSON.stringify(this.keyOf(request.put)), { PutRequest: { Item: request.put } });
      else byKey.set(JSON.stringify(this.keyOf(request.delete)), { DeleteRequest: { Key: this.keyOf(request.delete) } });
    }
    await mapLimit(chunk([...byKey.values()], BATCH_WRITE_LIMIT), this.batchOptions.concurrency, async (part) => {
      let pending = part;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= this.batchOptions.maxAttempts) throw new BatchIncompleteError('batchWrite', this.tableName, pending.length);
        if (attempt > 0) await this.backoff(attempt);
        // The document client's types want its own request shapes; ours are built above.
        const out = await this.docClient.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }));
        pending = (out.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
      }
    });
  }

  batchPutItems(items: readonly T[]): Promise<void> {
    return this.batchWriteItems(items.map((put) => ({ put })));
  }

  batchDeleteItems(keys: readonly Key[]): Promise<void> {
    return this.batchWriteItems(keys.map((key) => ({ delete: key })));
  }
}
