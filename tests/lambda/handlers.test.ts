import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetLambdaServices, resolveDatabasePassword } from '@/lambda/shared/runtime.js';
import { apiEvent, sqsEvent } from '../helpers/lambda-events.js';

describe('Lambda handlers invoked with sample events (embedded infrastructure under a temp DATA_DIR)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-lambda-'));
    Object.assign(process.env, { DATA_DIR: dataDir, LOG_LEVEL: 'silent', JWT_SECRET: 'lambda-test-secret-0123456789-abcdefghijklmnop' });
  }, 60_000);
  afterAll(async () => {
    await resetLambdaServices();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('api: GET /health and an authenticated route through API Gateway v2 events', async () => {
    const { handler } = await import('@/lambda/api.js');
    const health = await handler(apiEvent('GET', '/health'));
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body).status).toBe('ok');
    const unauth = await handler(apiEvent('GET', '/api/auth/me'));
    expect(unauth.statusCode).toBe(401);
    const reg = await handler(
      apiEvent('POST', '/api/auth/register', { body: { email: 'lambda@example.com', password: 'correct horse battery', name: 'L' } }),
    );
    expect(reg.statusCode, reg.body).toBe(201);
    const me = await handler(apiEvent('GET', '/api/auth/me', { headers: { authorization: `Bearer ${JSON.parse(reg.body).accessToken}` } }));
    expect(me.statusCode).toBe(200);
    expect(JSON.parse(me.body).user.email).toBe('lambda@example.com');
  }, 120_000);

  it('SQS handlers report partial batch failures (a bad record fails alone)', async () => {
    const cleanup = await import('@/lambda/cleanup.js');
    const res = await cleanup.handler(
      sqsEvent([
        { id: 'ok-1', body: JSON.stringify({ action: 'cleanup_expired_pdfs', olderThanDays: 30 }) },
        { id: 'bad-1', body: 'not json' },
        { id: 'bad-2', body: JSON.stringify({ action: 'unknown' }) },
      ]),
    );
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['bad-1', 'bad-2']);
    const email = await import('@/lambda/email-notifications.js');
    const sent = await email.handler(
      sqsEvent([{ id: 'mail-1', body: JSON.stringify({ to: 'a@example.com', subject: 'Hi', text: 'from lambda' }) }]),
    );
    expect(sent.batchItemFailures).toEqual([]);
    expect((await readdir(path.join(dataDir, 'outbox'))).length).toBe(1);
    const pdf = await import('@/lambda/pdf-generation.js');
    const gen = await pdf.handler(
      sqsEvent([
        { id: 'gen-1', body: JSON.stringify({ templateId: 'nope', userId: '00000000-0000-4000-8000-000000000000', payload: {} }) },
      ]),
    );
    expect(gen.batchItemFailures).toEqual([{ itemIdentifier: 'gen-1' }]);
    const scheduled = await import('@/lambda/scheduled-cleanup.js');
    expect(await scheduled.handler({ olderThanDays: 30 })).toEqual({
      expiredPdfs: 0,
      uploadsRemoved: 0,
      orphanBlobsRemoved: 0,
      stalledJobsSettled: 0,
    });
  }, 120_000);

  it('resolves the database password from DB_SECRET_ARN (RDS-managed secret JSON)', async () => {
    const env: NodeJS.ProcessEnv = { DB_HOST: 'db', DB_SECRET_ARN: 'arn:aws:secretsmanager:x:1:secret:db' };
    const asked: unknown[] = [];
    const client = {
      send: async (cmd: { input: unknown }) => (
        asked.push(cmd.input),
        { SecretString: JSON.stringify({ username: 'app', password: 'p@ss' }) }
      ),
    };
    await resolveDatabasePassword(env, client as never);
    expect(env).toMatchObject({ DB_PASSWORD: 'p@ss', DB_USER: 'app' });
    expect(asked).toEqual([{ SecretId: 'arn:aws:secretsmanager:x:1:secret:db' }]);
    const withUrl: NodeJS.ProcessEnv = { DATABASE_URL: 'postgresql://x', DB_SECRET_ARN: 'arn' };
    await resolveDatabasePassword(withUrl, {
      send: async () => {
        throw new Error('must not be called');
      },
    } as never);
  });
});
