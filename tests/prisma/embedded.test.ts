import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { getConfig } from '@/shared/config/index.js';
import { createPrismaClient, getPrisma } from '@/shared/database/prisma/client.js';
import { servePGlite, startEmbeddedPostgres } from '@/shared/database/prisma/embedded-postgres.js';
import { createRepositories, startDatabase, usersRepository } from '@/shared/database/prisma/index.js';
import { createFreshPGlite } from '@/shared/database/prisma/pglite.js';

/**
 * The embedded database as `npm start` uses it: PGlite persisted in a data directory, served on a
 * loopback port, migrated at start. Start/stop timings are printed for the record.
 */
describe('[pglite] embedded PostgreSQL (persisted, over the socket)', () => {
  let dataDir = '';
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('first start initialises and migrates; data survives a stop/start; one process per data directory', { timeout: 240_000 }, async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pdfstudio-embedded-'));
    const first = await startEmbeddedPostgres({ dataDir });
    let userId: string;
    try {
      expect(first.timings.firstStart).toBe(true);
      // The cluster is reopened on a new thread after initdb and migrations (its memory only grows).
      expect(first.timings.reopenMs).toBeGreaterThan(0);
      expect(first.appliedMigrations.length).toBeGreaterThan(0);
      expect(first.url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
      expect(first.dataDir).toBe(path.join(dataDir, 'pglite'));
      console.log(
        `embedded cold start: open/initdb ${first.timings.openMs} ms, migrations ${first.timings.migrateMs} ms, reopen ${first.timings.reopenMs} ms, total ${first.timings.totalMs} ms`,
      );

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
        userId,
        originalFilename: 'a.pdf',
        storedFilename: 'a.pdf',
        filePath: '/a.pdf',
        s3Bucket: 'b',
        s3Key: 'k',
        fileSize: 123n,
        mimeType: 'application/pdf',
      });
      await prisma.$disconnect();
    } finally {
      await first.stop();
    }
    await first.stop(); // idempotent

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(second.timings.firstStart).toBe(false);
      // Nothing changed the schema: the thread that opened the cluster serves it.
      expect(second.timings.reopenMs).toBeUndefined();
      expect(second.appliedMigrations).toEqual([]);
      console.log(
        `embedded warm restart: open ${second.timings.openMs} ms, migration check ${second.timings.migrateMs} ms, total ${second.timings.totalMs} ms`,
      );
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

  it.skipIf(Boolean(getConfig().database.url))(
    'startDatabase() starts the embedded database and binds getPrisma() and the repository singletons to it',
    async () => {
      // Reuses the directory of the test above (a warm start: initdb is the slow part).
      expect(dataDir).not.toBe('');
      const db = await startDatabase({ dataDir });
      try {
        expect(db.backend).toBe('pglite');
        expect(db.appliedMigrations).toEqual([]);
        const user = await usersRepository.create({ email: 'singleton@embedded.test', password: 'password-123' });
        expect(await getPrisma().user.count()).toBe(2);
        expect((await usersRepository.findById(user.id)).email).toBe('singleton@embedded.test');
        expect((await usersRepository.findByEmail('persist@embedded.test'))?.email).toBe('persist@embedded.test');
      } finally {
        await db.stop();
      }
      expect(() => getPrisma()).toThrow(/No database/);
    },
  );

  it('many concurrent parameterised queries over a pool of connections each get their own answer', async () => {
    // PGlite is one session; pglite-socket multiplexes connections onto it. Guard against answers
    // crossing between connections (unnamed prepared statements of the extended protocol).
    const served = await servePGlite(await createFreshPGlite(), { migrate: false });
    const pool = new pg.Pool({ connectionString: served.url, max: 8 });
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const sql = i % 2 ? 'SELECT $1::int AS n, $2::text AS s' : 'SELECT $1::int + 0 AS n, $2::text AS s, 1 AS extra';
          const r = await pool.query<{ n: number; s: string }>(sql, [i, `s${i}`]);
          return r.rows[0].n === i && r.rows[0].s === `s${i}`;
        }),
      );
      expect(results.every(Boolean)).toBe(true);
    } finally {
      await pool.end();
      await served.stop();
    }
  });
});
