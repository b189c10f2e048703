import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe } from 'vitest';
import { buildApp } from '@/api/app.js';
import type { Services } from '@/services/context.js';
import { S3BlobStore } from '@/shared/storage/index.js';
import { cleanupHandler } from '@/workers/cleanup.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { postgresSkipReason, POSTGRES_BACKENDS, type PostgresBackend } from '../helpers/postgres.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3.js';

/** The API on one PostgreSQL backend and one blob store, for suites that must hold on every pair. */
export interface Rig {
  app: FastifyInstance;
  services: Services;
  api: TestApi;
  store: 'local' | 's3';
  /** GET a signed URL of the store (local: through the API's blob route; S3: over HTTP). */
  fetchSigned(url: string): Promise<{ status: number; body: Buffer }>;
}

async function createRig(backend: PostgresBackend, store: 'local' | 's3'): Promise<{ rig: Rig; close(): Promise<void> }> {
  if (store === 'local') {
    const api = await createTestApi(backend);
    // Account exports and deletions run on the cleanup queue: its worker, as `npm start` runs it.
    const stopWorker = await api.services.queue.consume('cleanup', cleanupHandler(api.services), { concurrency: 1 });
    const rig: Rig = {
      app: api.app,
      services: api.services,
      api,
      store,
      async fetchSigned(url) {
        const u = new URL(url, 'http://localhost');
        const res = await api.app.inject({ method: 'GET', url: u.pathname + u.search });
        return { status: res.statusCode, body: res.rawPayload };
      },
    };
    return {
      rig,
      async close() {
        await stopWorker();
        await api.close();
      },
    };
  }
  const tag = Math.random().toString(36).slice(2, 8);
  const buckets = { uploads: `rights-uploads-${tag}`, generated: `rights-generated-${tag}`, files: `rights-files-${tag}` };
  const s3: S3rverHandle = await startS3rver(Object.values(buckets));
  const api = await createTestApi(backend, {
    S3_UPLOAD_BUCKET: buckets.uploads,
    S3_GENERATED_BUCKET: buckets.generated,
    S3_BUCKET: buckets.files,
  });
  // s3rver accepts any credentials; the SDK still needs some to sign with.
  const blobs = new S3BlobStore({
    buckets,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const services: Services = { ...api.services, blobs };
  const app = await buildApp({ config: services.config, checks: [], services, logger: false });
  await app.ready();
  const stopWorker = await services.queue.consume('cleanup', cleanupHandler(services), { concurrency: 1 });
  const rig: Rig = {
    app,
    services,
    api,
    store,
    async fetchSigned(url) {
      const res = await fetch(url);
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
    },
  };
  return {
    rig,
    async close() {
      await stopWorker();
      await app.close();
      blobs.client.destroy();
      await api.close();
      await s3.stop();
    },
  };
}

/** Declares `fn` once per PostgreSQL backend (PGlite, PostgreSQL) and blob store (local, S3 on s3rver). */
export function forEachRig(name: string, fn: (rig: () => Rig) => void): void {
  for (const backend of POSTGRES_BACKENDS)
    for (const store of ['local', 's3'] as const) {
      const skip = postgresSkipReason(backend);
      (skip ? describe.skip : describe)(`[${backend}/${store}] ${name}`, () => {
        let made: Awaited<ReturnType<typeof createRig>> | undefined;
        beforeAll(async () => {
          made = await createRig(backend, store);
        }, 60_000);
        afterAll(async () => {
          await made?.close();
        });
        fn(() => {
          if (!made) throw new Error('rig not started');
          return made.rig;
        });
      });
    }
}
