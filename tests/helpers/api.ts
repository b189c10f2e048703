import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe } from 'vitest';
import { buildApp } from '@/api/app.js';
import type { Services } from '@/services/context.js';
import { AccessTokens } from '@/shared/auth/jwt.js';
import { loadConfig, type Config } from '@/shared/config/index.js';
import { LocalBlobStore } from '@/shared/storage/index.js';
import { PgBossQueueDriver } from '@/shared/queue/index.js';
import { OutboxMailer } from '@/shared/email/index.js';
import { createTestDatabase, postgresSkipReason, POSTGRES_BACKENDS, type PostgresBackend, type TestDatabase } from './postgres.js';
import { startTestDynamo, type TestDynamo } from './dynamodb.js';

/**
 * The API booted with inject() on real parts: a fresh migrated PostgreSQL (PGlite or the real
 * server), the local DynamoDB server over HTTP with a fresh stage, a temporary blob directory.
 */
export interface TestApi {
  app: FastifyInstance;
  services: Services;
  db: TestDatabase;
  dynamo: TestDynamo;
  dataDir: string;
  close(): Promise<void>;
}

export async function createTestApi(backend: PostgresBackend, env: Record<string, string> = {}): Promise<TestApi> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-api-'));
  const db = await createTestDatabase(backend);
  const dynamo = await startTestDynamo();
  const config: Config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    STAGE: dynamo.stage,
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const signingSecret = 'test-signing-secret-that-is-long-enough-0123456789';
  // The embedded queue on the test's own database: the same durable pg-boss path as `npm start`.
  const queue = new PgBossQueueDriver({ connectionString: db.url, poolMax: 2 });
  await queue.start();
  const services: Services = {
    config,
    repos: { ...db.repos, ...dynamo.repos },
    blobs: new LocalBlobStore({ root: path.join(dataDir, 'blobs'), signingSecret }),
    queue,
    mailer: new OutboxMailer({ directory: path.join(dataDir, 'outbox'), from: config.email.from }),
    tokens: new AccessTokens(signingSecret, config.auth.accessTtlSeconds),
    signingSecret,
  };
  const app = await buildApp({ config, checks: [], services, logger: false });
  await app.ready();
  return {
    app,
    services,
    db,
    dynamo,
    dataDir,
    async close() {
      await app.close();
      await queue.close();
      await dynamo.stop();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Declares `fn` once per PostgreSQL backend with an API booted on it ("[pglite] …", "[postgresql] …");
 * `env` adds configuration variables.
 */
export function forEachApi(
  name: string,
  fn: (api: () => TestApi, backend: PostgresBackend) => void,
  env: Record<string, string> = {},
): void {
  for (const backend of POSTGRES_BACKENDS) {
    const skip = postgresSkipReason(backend);
    (skip ? describe.skip : describe)(`[${backend}] ${name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
      let api: TestApi | undefined;
      beforeAll(async () => {
        api = await createTestApi(backend, env);
      });
      afterAll(async () => {
        await api?.close();
      });
      fn(() => {
        if (!api) throw new Error('test API not started');
        return api;
      }, backend);
    });
  }
}

export interface TestUser {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  headers: { authorization: string };
}

let counter = 0;
export async function registerUser(app: FastifyInstance, name = 'user'): Promise<TestUser> {
  const email = `${name}-${Date.now()}-${counter++}@example.com`;
  const res = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password: 'correct horse battery', name } });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return {
    id: body.user.id,
    email,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    headers: { authorization: `Bearer ${body.accessToken}` },
  };
}
