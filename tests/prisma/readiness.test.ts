import { expect, it } from 'vitest';
import { migrateDeploy, readMigrations } from '@/shared/database/prisma/migrator.js';
import { assertDatabaseReady, DatabaseNotReadyError, pendingMigrations } from '@/shared/database/prisma/readiness.js';
import { forEachPostgres } from '../helpers/postgres.js';

/*
 * Start-up against a database that cannot serve: an unreachable one, and an empty one before its
 * migrations. Before these checks the first printed "postgres ready" and then a raw stack trace;
 * the second started "ok" and answered 500 on every route.
 */

it('an unreachable database is one line naming where it looked and what to check', async () => {
  const err = await pendingMigrations('postgresql://postgres@127.0.0.1:1/nothing', 2_000).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DatabaseNotReadyError);
  const message = (err as Error).message;
  expect(message).toContain('Cannot reach PostgreSQL at 127.0.0.1:1/nothing');
  expect(message).toContain('DATABASE_URL');
  expect(message).not.toContain('\n');
});

forEachPostgres(
  'database readiness',
  (db) => {
    it('an empty database has every committed migration pending, and says to run db:migrate:deploy', async () => {
      const committed = (await readMigrations()).migrationDirectories.map((d) => d.path);
      expect(committed.length).toBeGreaterThan(3);
      expect(await pendingMigrations(db().url)).toEqual(committed);
      const err = await assertDatabaseReady(db().url).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DatabaseNotReadyError);
      expect((err as Error).message).toMatch(new RegExp(`${committed.length} pending migration\\(s\\).*npm run db:migrate:deploy`));
    });

    it('once migrated nothing is pending and the check passes', async () => {
      await migrateDeploy({ url: db().url });
      expect(await pendingMigrations(db().url)).toEqual([]);
      await expect(assertDatabaseReady(db().url)).resolves.toBeUndefined();
    });
  },
  { migrate: false },
);
