import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '@/shared/errors.js';
import { ExpressionContext, buildUpdateExpression, cond } from '@/shared/database/ddb/expressions.js';
import { tableKeys } from '@/shared/database/ddb/tables.js';
import { BatchIncompleteError, DynamoRepository, type BatchRetryOptions, type Item } from '@/shared/database/repository.js';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamodb.js';

/**
 * The base repository against the local server over HTTP, on the fields table used as a raw
 * table: its items carry the reserved words `status`, `name`, `type`, `size`, `position`.
 */

let ddb: TestDynamo;
beforeAll(async () => {
  ddb = await startTestDynamo();
});
afterAll(() => ddb?.stop());

type Raw = Item & { fieldId: string; templateId: string; sortKey: string };

async function rawRepo(options: { docClient?: DynamoDBDocumentClient; batch?: Partial<BatchRetryOptions> } = {}) {
  const { tables } = await ddb.newStage();
  return new DynamoRepository<Raw>({
    docClient: options.docClient ?? ddb.docClient,
    tableName: tables.fields,
    entityName: 'Thing',
    batch: options.batch,
    ...tableKeys('fields'),
  });
}

function thing(i: number, templateId = 'p1', extra: Record<string, unknown> = {}): Raw {
  const id = `f${String(i).padStart(4, '0')}`;
  return {
    fieldId: id,
    templateId,
    sortKey: id,
    type: 'text',
    name: `name ${i}`,
    status: i % 2 ? 'odd' : 'even',
    size: { width: i, height: 1 },
    position: { x: i, y: i },
    ...extra,
  };
}

type Send = (command: unknown) => Promise<Record<string, unknown>>;
/** Replaces `send` on a private document client so batch calls can be answered partially. */
function intercept(docClient: DynamoDBDocumentClient, wrap: (command: unknown, original: Send) => Promise<Record<string, unknown>>) {
  const target = docClient as unknown as { send: Send };
  const original = target.send.bind(docClient);
  target.send = (command) => wrap(command, original);
}

describe('buildUpdateExpression', () => {
  it('names every attribute, skips undefined, removes null, sets document paths', () => {
    const ctx = new ExpressionContext();
    const expr = buildUpdateExpression(ctx, {
      status: 'a',
      name: 'n',
      type: undefined,
      size: { width: 1 },
      description: null,
      'layout.layerOrder': 3,
    });
    const params = ctx.params();
    expect(expr).toBe('SET #n0 = :v0, #n1 = :v1, #n2 = :v2, #n4.#n5 = :v3 REMOVE #n3');
    expect(params.ExpressionAttributeNames).toEqual({
      '#n0': 'status',
      '#n1': 'name',
      '#n2': 'size',
      '#n3': 'description',
      '#n4': 'layout',
      '#n5': 'layerOrder',
    });
    expect(params.ExpressionAttributeValues).toEqual({ ':v0': 'a', ':v1': 'n', ':v2': { width: 1 }, ':v3': 3 });
    // A condition in the same request reuses the name placeholders, never a colliding value one.
    expect(cond.and(cond.exists('status'), cond.eq('name', 'x'))(ctx)).toBe('attribute_exists(#n0) AND #n1 = :v4');
    // Parentheses only where precedence needs them: DynamoDB refuses redundant ones.
    const nested = cond.and(
      cond.and(cond.eq('a', 1), cond.or(cond.eq('b', 2), cond.eq('c', 3))),
      cond.or(cond.exists('d'), cond.and(cond.eq('e', 4), cond.eq('f', 5))),
    );
    expect(nested(new ExpressionContext())).toBe(
      '#n0 = :v0 AND (#n1 = :v1 OR #n2 = :v2) AND (attribute_exists(#n3) OR #n4 = :v3 AND #n5 = :v4)',
    );
  });

  it('refuses key changes and empty updates', () => {
    expect(() => buildUpdateExpression(new ExpressionContext(), { fieldId: 'x' }, { immutable: ['fieldId'] })).toThrow(/cannot be updated/);
    expect(() => buildUpdateExpression(new ExpressionContext(), { a: undefined })).toThrow(/nothing to change/);
    expect(new ExpressionContext().params()).toEqual({});
  });
});

describe('single-item operations', () => {
  it('put/get round trip with nested maps; undefined attributes are dropped', async () => {
    const repo = await rawRepo();
    const item = thing(1, 'p1', { optional: undefined, metadata: { tags: ['a', 'b'], nested: { deep: true } } });
    await repo.putItem(item);
    const back = await repo.getItem({ fieldId: item.fieldId });
    expect(back).toEqual({ ...thing(1), metadata: { tags: ['a', 'b'], nested: { deep: true } } });
    expect(back && 'optional' in back).toBe(false);
    expect(await repo.getItem({ fieldId: 'nope' })).toBeUndefined();
  });

  it('conditional put: attribute_not_exists → ConflictError on the second put', async () => {
    const repo = await rawRepo();
    await repo.putItem(thing(1), { condition: cond.notExists('fieldId') });
    const err = await repo.putItem({ ...thing(1), name: 'other' }, { condition: cond.notExists('fieldId') }).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((await repo.getItem({ fieldId: 'f0001' }))?.name).toBe('name 1');
  });

  it('update: reserved words, nested maps replaced whole, undefined skipped, null removes', async () => {
    const repo = await rawRepo();
    await repo.putItem(thing(2, 'p1', { description: 'd', style: { bold: true, fontSize: 9 } }));
    const updated = await repo.updateItem(
      { fieldId: 'f0002' },
      {
        status: 'moved',
        name: 'renamed',
        type: 'date',
        size: { width: 50, height: 60 },
        position: { x: 7, y: 8 },
        style: { fontSize: 14 },
        sortKey: undefined,
        description: null,
      },
    );
    expect(updated).toMatchObject({
      status: 'moved',
      name: 'renamed',
      type: 'date',
      size: { width: 50, height: 60 },
      position: { x: 7, y: 8 },
      sortKey: 'f0002',
    });
    expect(updated.style).toEqual({ fontSize: 14 });
    expect('description' in updated).toBe(false);
    expect(await repo.getItem({ fieldId: 'f0002' })).toEqual(updated);
  });

  it('update of a missing item, or with a failing condition → NotFoundError; as conflict → ConflictError', async () => {
    const repo = await rawRepo();
    await expect(repo.updateItem({ fieldId: 'missing' }, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await repo.getItem({ fieldId: 'missing' })).toBeUndefined(); // no upsert
    await repo.putItem(thing(3));
    await expect(
      repo.updateItem({ fieldId: 'f0003' }, { name: 'x' }, { condition: cond.eq('templateId', 'other') }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      repo.updateItem({ fieldId: 'f0003' }, { name: 'x' }, { condition: cond.eq('status', 'stale'), onConditionFailed: 'conflict' }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await repo.getItem({ fieldId: 'f0003' }))?.name).toBe('name 3');
    // Nested AND/OR conditions are accepted by the server and evaluated as written.
    const complex = cond.and(
      cond.exists('status'),
      cond.or(cond.eq('status', 'nope'), cond.and(cond.eq('name', 'name 3'), cond.ne('type', 'date'))),
    );
    expect((await repo.updateItem({ fieldId: 'f0003' }, { name: 'y' }, { condition: complex })).name).toBe('y');
    await expect(repo.updateItem({ fieldId: 'f0003' }, { name: 'z' }, { condition: complex })).rejects.toBeInstanceOf(NotFoundError);
    // mustExist: false is an upsert
    expect(await repo.updateItem({ fieldId: 'new' }, { name: 'created' }, { mustExist: false })).toEqual({
      fieldId: 'new',
      name: 'created',
    });
  });

  it('delete returns the item; missing or failing condition → NotFoundError and nothing deleted', async () => {
    const repo = await rawRepo();
    await repo.putItem(thing(4));
    await expect(repo.deleteItem({ fieldId: 'f0004' }, { condition: cond.eq('templateId', 'p2') })).rejects.toBeInstanceOf(NotFoundError);
    expect(await repo.getItem({ fieldId: 'f0004' })).toBeDefined();
    expect(await repo.deleteItem({ fieldId: 'f0004' })).toEqual(thing(4));
    await expect(repo.deleteItem({ fieldId: 'f0004' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await repo.deleteItem({ fieldId: 'f0004' }, { mustExist: false })).toBeUndefined();
  });
});

describe('queries with cursors', () => {
  let repo: DynamoRepository<Raw>;
  beforeAll(async () => {
    repo = await rawRepo();
    await repo.batchPutItems([
      ...Array.from({ length: 57 }, (_, i) => thing(i)),
      ...Array.from({ length: 5 }, (_, i) => thing(100 + i, 'p2')),
    ]);
  });
  const byTemplate = (value: string) => ({ index: 'TemplateIdIndex', partition: { name: 'templateId', value } });

  it('pages across 57 items in index order, no duplicates, no gaps; descending too', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await repo.queryPage({ ...byTemplate('p1'), limit: 10, cursor });
      expect(page.items.length).toBeLessThanOrEqual(10);
      seen.push(...page.items.map((i) => i.fieldId));
      if (page.nextCursor) expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(6);
    expect(seen).toEqual(Array.from({ length: 57 }, (_, i) => thing(i).fieldId));
    const desc = await repo.queryPage({ ...byTemplate('p1'), limit: 3, forward: false });
    expect(desc.items.map((i) => i.fieldId)).toEqual(['f0056', 'f0055', 'f0054']);
  });

  it('a filtered page is filled up to the limit (Limit counts reads, not results)', async () => {
    const page = await repo.queryPage({ ...byTemplate('p1'), filter: cond.eq('status', 'odd'), limit: 10 });
    expect(page.items.map((i) => i.fieldId)).toEqual(Array.from({ length: 10 }, (_, i) => thing(2 * i + 1).fieldId));
    const rest = await repo.queryAll({ ...byTemplate('p1'), filter: cond.eq('status', 'odd'), pageSize: 7 });
    expect(rest).toHaveLength(28);
  });

  it('projection returns the asked attributes plus the keys', async () => {
    const [first] = (await repo.queryPage({ ...byTemplate('p2'), projection: ['status'], limit: 1 })).items;
    expect(Object.keys(first).sort()).toEqual(['fieldId', 'sortKey', 'status', 'templateId']);
  });

  it('tampered, foreign or malformed cursors → ValidationError(invalid_cursor); bad limit → ValidationError', async () => {
    const { nextCursor } = await repo.queryPage({ ...byTemplate('p1'), limit: 5 });
    const decoded = JSON.parse(Buffer.from(String(nextCursor), 'base64url').toString());
    const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad = [
      'not a cursor!',
      'AAAA',
      forge({ v: 2, k: decoded.k }),
      forge({ v: 1, k: { ...decoded.k, extra: 'x' } }),
      forge({ v: 1, k: { fieldId: decoded.k.fieldId } }),
      forge({ v: 1, k: { ...decoded.k, sortKey: { S: 'x' } } }),
      forge({ v: 1, k: { ...decoded.k, templateId: 'p2' } }), // another partition's listing
      String(nextCursor).slice(0, -3),
      'x'.repeat(5000),
    ];
    for (const cursor of bad) {
      const err = await repo.queryPage({ ...byTemplate('p1'), limit: 5, cursor }).catch((e) => e);
      expect(err, cursor).toBeInstanceOf(ValidationError);
      expect(err.code).toBe('invalid_cursor');
    }
    await expect(repo.queryPage({ ...byTemplate('p1'), limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    // The genuine cursor still works.
    expect((await repo.queryPage({ ...byTemplate('p1'), limit: 5, cursor: nextCursor })).items[0].fieldId).toBe('f0005');
  });
});

describe('batches of any length', () => {
  it('writes, reads and deletes 260 items (chunks of 25/100), duplicates collapsed, order kept', async () => {
    const repo = await rawRepo();
    const items = Array.from({ length: 260 }, (_, i) => thing(i));
    await repo.batchPutItems([...items, { ...thing(5), name: 'last wins' }]);
    const keys = [{ fieldId: 'absent' }, ...items.map((i) => ({ fieldId: i.fieldId })).reverse(), { fieldId: 'f0001' }];
    const read = await repo.batchGetItems(keys);
    expect(read).toHaveLength(260);
    expect(read[0].fieldId).toBe('f0259');
    expect(read.find((i) => i.fieldId === 'f0005')?.name).toBe('last wins');
    await repo.batchDeleteItems(items.slice(0, 200).map((i) => ({ fieldId: i.fieldId })));
    expect(await repo.batchGetItems(items.map((i) => ({ fieldId: i.fieldId })))).toHaveLength(60);
  });

  it('retries UnprocessedItems and UnprocessedKeys until everything is done', async () => {
    const clients = ddb.newClients();
    const calls = { write: 0, get: 0 };
    intercept(clients.docClient, async (command, send) => {
      // Every batch is answered at most half: the rest comes back as unprocessed, like throttling.
      if (command instanceof BatchWriteCommand) {
        calls.write++;
        const [[table, requests]] = Object.entries(command.input.RequestItems ?? {});
        const half = Math.ceil(requests.length / 2);
        await send(new BatchWriteCommand({ RequestItems: { [table]: requests.slice(0, half) } }));
        return requests.length > half ? { UnprocessedItems: { [table]: requests.slice(half) } } : {};
      }
      if (command instanceof BatchGetCommand) {
        calls.get++;
        const [[table, request]] = Object.entries(command.input.RequestItems ?? {});
        const keys = request.Keys ?? [];
        const half = Math.ceil(keys.length / 2);
        const out = await send(new BatchGetCommand({ RequestItems: { [table]: { ...request, Keys: keys.slice(0, half) } } }));
        return keys.length > half ? { ...out, UnprocessedKeys: { [table]: { Keys: keys.slice(half) } } } : out;
      }
      return send(command);
    });
    const repo = await rawRepo({ docClient: clients.docClient, batch: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 10 } });
    const items = Array.from({ length: 260 }, (_, i) => thing(i));
    await repo.batchPutItems(items);
    // 11 chunks (10×25 + 10): 25 → 13+6+3+2+1 = 5 calls each, 10 → 5+3+1+1 = 4 calls.
    expect(calls.write).toBe(10 * 5 + 4);
    const read = await repo.batchGetItems(items.map((i) => ({ fieldId: i.fieldId })));
    expect(read.map((i) => i.fieldId)).toEqual(items.map((i) => i.fieldId));
    expect(calls.get).toBeGreaterThan(3);
    // And the data really is there, read through an untouched client.
    expect(
      await new DynamoRepository<Raw>({
        docClient: ddb.docClient,
        tableName: repo.tableName,
        entityName: 'Thing',
        ...tableKeys('fields'),
      }).batchGetItems(items.map((i) => ({ fieldId: i.fieldId }))),
    ).toHaveLength(260);
  });

  it('gives up after maxAttempts with a typed BatchIncompleteError', async () => {
    const clients = ddb.newClients();
    let attempts = 0;
    intercept(clients.docClient, async (command, send) => {
      if (command instanceof BatchWriteCommand) {
        attempts++;
        return { UnprocessedItems: command.input.RequestItems };
      }
      if (command instanceof BatchGetCommand) return { Responses: {}, UnprocessedKeys: command.input.RequestItems };
      return send(command);
    });
    const repo = await rawRepo({ docClient: clients.docClient, batch: { baseDelayMs: 1, maxDelayMs: 4, maxAttempts: 4, concurrency: 1 } });
    const err = await repo.batchPutItems(Array.from({ length: 30 }, (_, i) => thing(i))).catch((e) => e);
    expect(err).toBeInstanceOf(BatchIncompleteError);
    expect(err.status).toBe(503);
    expect(attempts).toBe(4); // the first chunk exhausts its budget; the second never starts
    await expect(repo.batchGetItems([{ fieldId: 'f0001' }])).rejects.toBeInstanceOf(BatchIncompleteError);
  });
});
