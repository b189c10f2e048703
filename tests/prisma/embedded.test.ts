import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPrismaClient } from '@/shared/database/prisma/client.js';
import { startEmbeddedPostgres } from '@/shared/database/prisma/embedded-postgres.js';
import { createRepositories } from '@/shared/database/prisma/index.js';

/**
 * The embedded database as `npm start` uses it: PGlite persisted in a data directory, served on a
 * loopback port, migrated at start. Start/stop timings are printed for the record.
 */
describe('[pglite] embedded PostgreSQL (persisted, over the socket)', () => {
  let dataDir = '';
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('first start initialises and migrates; data survives a stop/start; one process per data directory', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pdfstudio-embedded-'));
    const first = await startEmbeddedPostgres({ dataDir });
    let userId: string;
    try {
      expect(first.timings.firstStart).toBe(true);
      expect(first.appliedMigrations.length).toBeGreaterThan(0);
      expect(first.url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
      expect(first.dataDir).toBe(path.join(dataDir, 'pglite'));
      console.log(`embedded cold start: open/initdb ${first.timings.openMs} ms, migrations ${first.timings.migrateMs} ms, total ${first.timings.totalMs} ms`);

      // A second process (here: a second start) must not open the same directory.
      await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/in use/);

      // Any PostgreSQL client works against the URL.
      const c = new pg.Client({ connectionString: first.url });
      await c.connect();
      const { rows } = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      await c.end();
      expect(rows[0].v).toMatch(/^\d+/);

      const prisma = createPrismaClient({ url: first.url, poolMax: 2, ssl: 'disable' });
      const repos = createRepositories(prisma);
      const user = await repos.users.create({ email: 'persist@embedded.test', password: 'password-123', profile: { company: 'Kept' } });
      userId = user.id;
      await repos.files.create({
        userId, originalFilename: 'a.pdf', storedFilename: 'a.pdf', filePath: '/a.pdf', s3Bucket: 'b', s3Key: 'k', fileSize: 123n, mimeType: 'application/pdf',
      });
      await prisma.$disconnect();
    } finally {
      await first.stop();
    }
    await first.stop(); // idempotent

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(second.timings.firstStart).toBe(false);
      expect(second.appliedMigrations).toEqual([]);
      console.log(`embedded warm restart: open ${second.timings.openMs} ms, migration check ${second.timings.migrateMs} ms, total ${second.timings.totalMs} ms`);
      const prisma = createPrismaClient({ url: second.url, poolMax: 2, ssl: 'disable' });
      const repos = createRepositories(prisma);
      const again = await repos.users.findByEmail('persist@embedded.test', true);
      expect(again?.id).toBe(userId);
      expect(again?.profile?.company).toBe('Kept');
      expect(await repos.files.getUserFileStats(userId)).toEqual({ totalFiles: 1, totalSize: 123n, totalSizeString: '123' });
      await prisma.$disconnect();
    } finally {
      await second.stop();
    }
  });
});
