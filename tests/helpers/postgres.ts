/**
 * Fresh PostgreSQL databases for tests, on both backends the service supports:
 *
 *  - 'pglite': an empty in-memory PGlite served on a loopback port by pglite-socket — the
 *    production embedded path — migrated by the WASM schema engine;
 *  - 'postgresql': a new database created on TEST_DATABASE_URL's server (dropped afterwards),
 *    migrated the same way. Skipped, with the reason printed, when TEST_DATABASE_URL is unset.
 *
 * Usage in a suite (each backend gets its own describe block named "[pglite] …" / "[postgresql] …"):
 *
 *   forEachPostgres('users repository', (db) => {
 *     it('creates', async () => { await db().repos.users.create({...}); });
 *   });
 *
 * Or by hand: `const db = await createTestDatabase('postgresql'); … await db.drop();`.
 * forEachPostgres lowers the scrypt cost of new password hashes to 2^10 in the test process.
 * `db().url` is a plain postgresql:// URL, usable by any client (pg, pg-boss, psql).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { PrismaClient } from '@/generated/prisma/client.js';
import { setPasswordHashParamsForTests } from '@/shared/auth/password.js';
import { createPrismaClient } from '@/shared/database/prisma/client.js';
import { servePGlite } from '@/shared/database/prisma/embedded-postgres.js';
import { createRepositories, type Repositories } from '@/shared/database/prisma/index.js';
import { migrateDeploy } from '@/shared/database/prisma/migrator.js';
import { createFreshPGlite } from '@/shared/database/prisma/pglite.js';

export type PostgresBackend = 'pglite' | 'postgresql';
export const POSTGRES_BACKENDS: readonly PostgresBackend[] = ['pglite', 'postgresql'];

export interface TestDatabase {
  backend: PostgresBackend;
  url: string;
  /** Migrations applied when the database was created (all of them). */
  appliedMigrations: string[];
  prisma: PrismaClient;
  repos: Repositories;
  /** Disconnects the client and removes the database. */
  drop(): Promise<void>;
}

export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL?.trim() || undefined;
}

/** Why the postgresql backend cannot run here, or undefined when it can. */
export function postgresSkipReason(backend: PostgresBackend): string | undefined {
  return backend === 'postgresql' && !testDatabaseUrl()
    ? 'TEST_DATABASE_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test): PostgreSQL variant skipped'
    : undefined;
}

export async function createTestDatabase(backend: PostgresBackend, opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = opts.migrate ?? true;
  if (backend === 'pglite') {
    const served = await servePGlite(await createFreshPGlite(), { migrate });
    const prisma = createPrismaClient({ url: served.url, poolMax: 4, ssl: 'disable' });
    return {
      backend,
      url: served.url,
      appliedMigrations: served.appliedMigrations,
      prisma,
      repos: createRepositories(prisma),
      drop: async () => {
        await prisma.$disconnect();
        await served.stop();
      },
    };
  }
  const adminUrl = testDatabaseUrl();
  if (!adminUrl) throw new Error(postgresSkipReason(backend));
  const name = `pdfstudio_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  const dropDatabase = async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  };
  try {
    const appliedMigrations = migrate ? (await migrateDeploy({ url: dbUrl })).applied : [];
    const prisma = createPrismaClient({ url: dbUrl, poolMax: 4, ssl: 'disable' });
    return {
      backend,
      url: dbUrl,
      appliedMigrations,
      prisma,
      repos: createRepositories(prisma),
      drop: async () => {
        await prisma.$disconnect();
        await dropDatabase();
      },
    };
  } catch (err) {
    await dropDatabase().catch(() => undefined);
    throw err;
  }
}

/**
 * Declares `fn`'s tests once per backend, each against its own fresh, migrated database created
 * before the block and dropped after it. `db()` returns that database inside tests and hooks.
 */
export function forEachPostgres(
  name: string,
  fn: (db: () => TestDatabase, backend: PostgresBackend) => void,
  opts: { migrate?: boolean } = {},
): void {
  // Real scrypt, cheaper cost (2^10): suites create many users; tests/prisma/password.test.ts covers the production cost.
  setPasswordHashParamsForTests({ ln: 10, r: 8, p: 1 });
  for (const backend of POSTGRES_BACKENDS) {
    const reason = postgresSkipReason(backend);
    const title = `[${backend}] ${name}`;
    if (reason) {
      console.warn(`${title}: ${reason}`);
      describe.skip(`${title} (skipped: ${reason})`, () =>
        fn(() => {
          throw new Error(reason);
        }, backend));
      continue;
    }
    describe(title, () => {
      let db: TestDatabase | undefined;
      beforeAll(async () => {
        db = await createTestDatabase(backend, opts);
      });
      afterAll(async () => {
        await db?.drop();
      });
      fn(() => {
        if (!db) throw new Error(`${title}: database not created (see the beforeAll error)`);
        return db;
      }, backend);
    });
  }
}
