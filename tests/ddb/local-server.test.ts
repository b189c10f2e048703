import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfigForTests } from '@/shared/config/index.js';
import { createDynamoClients, getDynamoClients, resetDynamoClients, setDynamoClients } from '@/shared/database/client.js';
import { ensureTables } from '@/shared/database/ddb/bootstrap.js';
import { checkDynamoHealth, startEmbeddedDynamo } from '@/shared/database/ddb/embedded.js';
import { createDdbRepositories, fieldsRepository, templatesRepository } from '@/shared/database/ddb/index.js';
import { startLocalDynamo } from '@/shared/database/ddb/local-server.js';
import { tableDefinitions, tableNames } from '@/shared/database/ddb/tables.js';
import { uniqueStage } from '../helpers/dynamodb.js';

/** The in-process server itself: persistence, table bootstrap, the config-bound singletons. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-ddb-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const template = (userId: string) => ({ userId, name: 'Persisted', dimensions: { width: 612, height: 792 }, pageCount: 2 });

describe('local server', () => {
  it('persists under <dataDir>/dynamodb across stop and start (on another port)', async () => {
    const stage = uniqueStage();
    const first = await startLocalDynamo({ dataDir: dir });
    expect(first.path).toBe(path.join(dir, 'dynamodb'));
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    let clients = createDynamoClients({ endpoint: first.endpoint, region: 'us-east-1' });
    const created = await ensureTables(clients.client, stage);
    expect(created.map((t) => [t.tableName, t.created])).toEqual([
      [`pdf-studio-templates-${stage}`, true],
      [`pdf-studio-fields-${stage}`, true],
    ]);
    let repos = createDdbRepositories({ docClient: clients.docClient, stage });
    const t = await repos.templates.create(template('u1'));
    const f = await repos.fields.create({
      templateId: t.templateId,
      name: 'n',
      type: 'text',
      page: 2,
      position: { x: 1, y: 1 },
      size: { width: 5, height: 5 },
      bindingKey: 'k',
    });
    clients.client.destroy();
    await first.stop();

    const second = await startLocalDynamo({ dataDir: dir });
    try {
      clients = createDynamoClients({ endpoint: second.endpoint, region: 'us-east-1' });
      const again = await ensureTables(clients.client, stage);
      expect(again.every((x) => !x.created && x.status === 'ACTIVE')).toBe(true);
      repos = createDdbRepositories({ docClient: clients.docClient, stage });
      expect(await repos.templates.getInternal(t.templateId)).toEqual(t);
      expect(await repos.fields.listByTemplate(t.templateId)).toEqual([f]);
      expect(await repos.templates.getUserTemplateStats('u1')).toMatchObject({ total: 1 });
    } finally {
      clients.client.destroy();
      await second.stop();
    }
  });

  it('a store already in use is a clear start-up error, not a crash on the first request', async () => {
    const store = path.join(dir, 'locked');
    const holder = await startLocalDynamo({ path: store });
    try {
      await expect(startLocalDynamo({ path: store })).rejects.toMatchObject({ code: 'ddb_store_locked' });
    } finally {
      await holder.stop();
    }
    const next = await startLocalDynamo({ path: store });
    await next.stop();
  });

  it('in memory: nothing survives a restart', async () => {
    const stage = uniqueStage();
    const a = await startLocalDynamo();
    expect(a.path).toBeUndefined();
    const ca = createDynamoClients({ endpoint: a.endpoint, region: 'us-east-1' });
    await ensureTables(ca.client, stage);
    ca.client.destroy();
    await a.stop();
    const b = await startLocalDynamo();
    const cb = createDynamoClients({ endpoint: b.endpoint, region: 'us-east-1' });
    await expect(cb.client.send(new DescribeTableCommand({ TableName: tableNames(stage).templates }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    cb.client.destroy();
    await b.stop();
  });
});

describe('ensureTables', () => {
  let server: Awaited<ReturnType<typeof startLocalDynamo>>;
  let clients: ReturnType<typeof createDynamoClients>;
  beforeAll(async () => {
    server = await startLocalDynamo();
    clients = createDynamoClients({ endpoint: server.endpoint, region: 'us-east-1' });
  });
  afterAll(async () => {
    clients?.client.destroy();
    await server?.stop();
  });

  it('creates the defined keys and GSIs on demand, is idempotent, and describes TTL', async () => {
    const stage = uniqueStage();
    const [templates, fields] = await ensureTables(clients.client, stage);
    expect(templates.ttl).toEqual({ attribute: 'ttl', status: 'UNSUPPORTED_LOCALLY' });
    expect(fields.ttl.attribute).toBe('ttl');
    const described = (await clients.client.send(new DescribeTableCommand({ TableName: fields.tableName }))).Table;
    expect(described?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(described?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual(['TemplateIdIndex', 'TypeIndex']);
    expect(
      (await clients.client.send(new DescribeTimeToLiveCommand({ TableName: fields.tableName }))).TimeToLiveDescription?.TimeToLiveStatus,
    ).toBe('DISABLED');
    await Promise.all([ensureTables(clients.client, stage), ensureTables(clients.client, stage)]);
  });

  it('only tolerates the missing UpdateTimeToLive for a local endpoint', async () => {
    await expect(ensureTables(clients.client, uniqueStage(), { local: false })).rejects.toMatchObject({
      name: expect.stringMatching(/UnknownOperation/),
    });
  });

  it('refuses an existing table whose indexes differ from the definition', async () => {
    const stage = uniqueStage();
    const def = tableDefinitions(stage).templates.create;
    await clients.client.send(
      new CreateTableCommand({ ...def, GlobalSecondaryIndexes: def.GlobalSecondaryIndexes?.slice(0, 1), BillingMode: 'PAY_PER_REQUEST' }),
    );
    await expect(ensureTables(clients.client, stage, { only: ['templates'] })).rejects.toMatchObject({
      code: 'ddb_table_mismatch',
      message: expect.stringMatching(/StatusIndex is missing/),
    });
  });
});

describe('process-wide repositories (templatesRepository, fieldsRepository)', () => {
  const saved = { endpoint: process.env.DYNAMODB_ENDPOINT, stage: process.env.STAGE, dataDir: process.env.DATA_DIR };
  afterAll(() => {
    for (const [key, value] of [
      ['DYNAMODB_ENDPOINT', saved.endpoint],
      ['STAGE', saved.stage],
      ['DATA_DIR', saved.dataDir],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetConfigForTests();
    resetDynamoClients();
  });

  it('bind lazily to DYNAMODB_ENDPOINT/STAGE and follow setDynamoClients', async () => {
    const a = await startLocalDynamo();
    const b = await startLocalDynamo();
    try {
      const stage = uniqueStage();
      process.env.DYNAMODB_ENDPOINT = a.endpoint;
      process.env.STAGE = stage;
      resetConfigForTests();
      resetDynamoClients();
      expect(getDynamoClients().endpoint).toBe(a.endpoint);
      await ensureTables(getDynamoClients().client, stage);
      const t = await templatesRepository.create(template('singleton'));
      expect(templatesRepository.tableName).toBe(`pdf-studio-templates-${stage}`);
      expect((await templatesRepository.getInternal(t.templateId)).name).toBe('Persisted');
      expect(await fieldsRepository.listByTemplate(t.templateId)).toEqual([]);

      // The embedded runtime learns its port late: replacing the clients rebinds the singletons.
      const moved = setDynamoClients({ endpoint: b.endpoint, region: 'us-east-1' });
      await ensureTables(moved.client, stage);
      expect(await templatesRepository.find(t.templateId)).toBeUndefined();
    } finally {
      resetDynamoClients();
      await a.stop();
      await b.stop();
    }
  });
});

describe('embedded runtime helper', () => {
  it('startEmbeddedDynamo: server under DATA_DIR, singletons bound, tables ready, health; data survives a restart', async () => {
    delete process.env.DYNAMODB_ENDPOINT;
    process.env.DATA_DIR = path.join(dir, 'embedded');
    process.env.STAGE = uniqueStage();
    resetConfigForTests();
    resetDynamoClients();
    let embedded = await startEmbeddedDynamo();
    expect(embedded.tables.map((t) => t.created)).toEqual([true, true]);
    const t = await templatesRepository.create(template('embedded'));
    expect((await checkDynamoHealth()).ok).toBe(true);
    await embedded.stop();
    setDynamoClients({ endpoint: embedded.endpoint, region: 'us-east-1' }); // the server is gone
    expect(await checkDynamoHealth(1_000)).toMatchObject({ ok: false, error: expect.any(String) });

    embedded = await startEmbeddedDynamo();
    try {
      expect(embedded.tables.map((x) => x.created)).toEqual([false, false]);
      expect((await templatesRepository.getInternal(t.templateId)).userId).toBe('embedded');
      const health = await checkDynamoHealth();
      expect(health).toMatchObject({ ok: true, endpoint: embedded.endpoint });
      console.log(`embedded DynamoDB start (existing store): ${embedded.startMs} ms; health ${health.latencyMs} ms`);
    } finally {
      await embedded.stop();
    }
  });
});
