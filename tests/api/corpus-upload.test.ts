import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, registerUser, type TestApi, type TestUser } from '../helpers/api.js';
import { testDatabaseUrl } from '../helpers/postgres.js';
import { corpusFiles, countsLine, readFile } from '../pdf/corpus/outcomes.js';
import { upload } from './upload-helpers.js';

/**
 * Every file of both corpus folders uploaded through POST /api/files of one app instance: each
 * answers 201 (inspected, ready) or a 4xx problem+json with a machine-readable code, never 5xx;
 * /health stays ok throughout. Counts by status and code are printed. One backend only, to keep
 * the pass short: PostgreSQL when TEST_DATABASE_URL is set, else the embedded PGlite. What this
 * tests is the engine's answers reaching HTTP; the row an upload writes is the same on both, and
 * files.test.ts runs the upload path on both backends.
 */

const { files, skipReason } = corpusFiles();
const backend = testDatabaseUrl() ? 'postgresql' : 'pglite';

describe(`corpus uploads through POST /api/files [${backend}]`, () => {
  if (skipReason) it.skip(`partly skipped: ${skipReason}`, () => {});
  if (files.length === 0) return;

  let api: TestApi;
  let user: TestUser;
  beforeAll(async () => {
    api = await createTestApi(backend);
    user = await registerUser(api.app, 'corpus');
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  it(
    `all ${files.length} files: 201 or a typed 4xx, never 5xx; /health ok throughout`,
    async () => {
      const counts = new Map<string, number>();
      const defects: string[] = [];
      for (const [i, f] of files.entries()) {
        const res = await upload(api.app, user.headers, readFile(f), f.id.replace('/', '-'));
        let key: string;
        if (res.statusCode === 201) {
          const file = res.json().file as { status: string; metadata: { pageCount: number } };
          if (file.status !== 'ready' || !(file.metadata.pageCount > 0))
            defects.push(`${f.id}: 201 but status ${file.status}, pageCount ${file.metadata.pageCount}`);
          key = '201';
        } else {
          const body = res.json() as { code?: unknown; reason?: unknown };
          key = `${res.statusCode} ${String(body.code)}`;
          if (res.statusCode >= 500) defects.push(`${f.id}: ${res.statusCode} ${res.body}`);
          else if (typeof body.code !== 'string' || !String(res.headers['content-type']).startsWith('application/problem+json'))
            defects.push(`${f.id}: ${res.statusCode} without a problem+json code: ${res.body}`);
          else if (body.reason === 'unexpected') defects.push(`${f.id}: refused by the catch-all: ${res.body}`);
        }
        counts.set(key, (counts.get(key) ?? 0) + 1);
        if (i % 50 === 49 || i === files.length - 1) {
          const health = await api.app.inject({ method: 'GET', url: '/health' });
          if (health.statusCode !== 200) defects.push(`/health answered ${health.statusCode} after ${f.id}`);
        }
      }
      console.log(`corpus (POST /api/files, ${backend}), ${files.length} files: ${countsLine(counts)}`);
      expect(defects).toEqual([]);
      expect(counts.get('201') ?? 0).toBeGreaterThan(files.length / 2);
    },
    20 * 60_000,
  );
});
