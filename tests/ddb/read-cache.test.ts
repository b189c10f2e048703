import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDdbRepositories } from '@/shared/database/ddb/index.js';
import { withReadCache, writeGeneration } from '@/shared/database/ddb/read-cache.js';
import type { DynamoClients } from '@/shared/database/client.js';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamodb.js';

/** The embedded runtime's template reads between writes (src/shared/database/ddb/read-cache.ts). */
describe('DynamoDB read cache (embedded server, one writing process)', () => {
  let ddb: TestDynamo;
  let clients: DynamoClients;
  let getItems = 0;
  beforeAll(async () => {
    ddb = await startTestDynamo();
    clients = ddb.newClients();
    clients.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetItemCommand') getItems++;
        return next(args);
      },
      { step: 'initialize', name: 'countGetItems' },
    );
  });
  afterAll(() => ddb?.stop());

  const setup = async () => {
    const stage = await ddb.newStage();
    const repos = createDdbRepositories({ docClient: clients.docClient, tables: stage.tables });
    const generation = writeGeneration(clients.client);
    return { tables: stage.tables, raw: repos.templates, cached: withReadCache(repos.templates, ['getOwned', 'find'], generation) };
  };
  const input = (userId: string) => ({
    userId,
    name: 'Invoice',
    originalFileId: 'file-1',
    dimensions: { width: 595, height: 842 },
    fileName: 'invoice.pdf',
    pdfFileUrl: 'local://files/invoice.pdf',
    pageCount: 1,
    scale: 1,
  });

  it('answers a second read from memory, as a copy its caller may change', async () => {
    const { raw, cached } = await setup();
    const t = await raw.create(input('user-1'));
    const first = await cached.getOwned('user-1', t.templateId);
    const before = getItems;
    const again = await cached.getOwned('user-1', t.templateId);
    expect(getItems).toBe(before);
    expect(again).toEqual(first);
    again.name = 'changed by a caller';
    expect((await cached.getOwned('user-1', t.templateId)).name).toBe('Invoice');
    // Another user's read is its own entry, and is refused as before (failures are never kept).
    await expect(cached.getOwned('user-2', t.templateId)).rejects.toThrow();
    await expect(cached.getOwned('user-2', t.templateId)).rejects.toThrow();
  });

  it('reads again after any write through the client: the repository, another repository, a raw command', async () => {
    const { tables, raw, cached } = await setup();
    const t = await raw.create(input('user-1'));
    await cached.getOwned('user-1', t.templateId);

    await raw.updateOwned('user-1', t.templateId, { name: 'Renamed' });
    expect((await cached.getOwned('user-1', t.templateId)).name).toBe('Renamed');

    // A write that does not go through the templates repository at all.
    const item = (await clients.docClient.send(new GetCommand({ TableName: tables.templates, Key: { templateId: t.templateId } }))).Item!;
    await clients.docClient.send(new PutCommand({ TableName: tables.templates, Item: { ...item, name: 'Written raw' } }));
    const before = getItems;
    expect((await cached.getOwned('user-1', t.templateId)).name).toBe('Written raw');
    expect(getItems).toBe(before + 1);

    await raw.deleteOwned('user-1', t.templateId);
    await expect(cached.getOwned('user-1', t.templateId)).rejects.toThrow();
    expect(await cached.find(t.templateId)).toBeUndefined();
  });

  it('never keeps a read that overlapped a write', async () => {
    const { raw, cached } = await setup();
    const t = await raw.create(input('user-1'));
    // The read and the update are in flight together; whatever the read saw, it is not kept.
    const [, updated] = await Promise.all([
      cached.getOwned('user-1', t.templateId),
      raw.updateOwned('user-1', t.templateId, { name: 'During' }),
    ]);
    expect(updated.name).toBe('During');
    expect((await cached.getOwned('user-1', t.templateId)).name).toBe('During');
  });
});
