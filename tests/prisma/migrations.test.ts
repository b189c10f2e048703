import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import {
  dbPush,
  diffMigrationsToSchema,
  migrateDeploy,
  migrateDev,
  MIGRATIONS_DIR,
  SCHEMA_PATH,
} from '@/shared/database/prisma/migrator.js';
import { createTestDatabase, forEachPostgres } from '../helpers/postgres.js';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

const committed = async () =>
  (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

forEachPostgres(
  'migrations with the WASM schema engine',
  (db, backend) => {
    const tmp: string[] = [];
    afterAll(async () => Promise.all(tmp.map((d) => rm(d, { recursive: true, force: true }))));

    it('deploy applies every committed migration and records it in _prisma_migrations like the Prisma CLI', async () => {
      const names = await committed();
      expect(names.length).toBeGreaterThan(0);
      const { applied } = await migrateDeploy({ url: db().url });
      expect(applied).toEqual(names);
      const rows = await query<{
        migration_name: string;
        checksum: string;
        finished_at: Date | null;
        rolled_back_at: Date | null;
        applied_steps_count: number;
      }>(
        db().url,
        'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows.map((r) => r.migration_name)).toEqual(names);
      for (const r of rows) {
        const sql = await readFile(path.join(MIGRATIONS_DIR, r.migration_name, 'migration.sql'));
        expect(r.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
        expect(r.finished_at).toBeInstanceOf(Date);
        expect(r.rolled_back_at).toBeNull();
      }
      const tables = await query<{ tablename: string }>(db().url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
      expect(tables.map((t) => t.tablename)).toEqual([
        '_prisma_migrations',
        'account_tasks',
        'api_keys',
        'audit_logs',
        'generated_pdfs',
        'generation_jobs',
        'login_addresses',
        'login_throttles',
        'profiles',
        'refresh_tokens',
        'signing_certificates',
        'uploaded_files',
        'users',
      ]);
      expect((await migrateDeploy({ url: db().url })).applied).toEqual([]);
    });

    it('the committed migrations produce exactly schema.prisma (no forgotten migration)', async () => {
      expect(await diffMigrationsToSchema({ url: db().url })).toBe('');
    });

    it('migrate dev writes a new migration for a schema change and applies it', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'pdfstudio-migr-'));
      tmp.push(dir);
      await cp(MIGRATIONS_DIR, path.join(dir, 'migrations'), { recursive: true });
      const schemaPath = path.join(dir, 'schema.prisma');
      const schema = await readFile(SCHEMA_PATH, 'utf8');
      await writeFile(
        schemaPath,
        `${schema}\nmodel Note {\n  id   Int    @id @default(autoincrement())\n  body String\n  @@map("notes")\n}\n`,
      );
      const opts = { url: db().url, schemaPath, migrationsDir: path.join(dir, 'migrations') };

      const out = await migrateDev({ ...opts, name: 'Add notes!' });
      expect(out.created).toMatch(/^\d{14}_add_notes$/);
      expect(out.sql).toContain('CREATE TABLE "notes"');
      expect(out.applied).toEqual([out.created]);
      expect(await readFile(path.join(dir, 'migrations', out.created!, 'migration.sql'), 'utf8')).toBe(out.sql);
      await query(db().url, "INSERT INTO notes (body) VALUES ('hello')");
      const names = await query<{ migration_name: string }>(db().url, 'SELECT migration_name FROM _prisma_migrations ORDER BY 1');
      expect(names.map((n) => n.migration_name)).toContain(out.created);

      // Nothing changed since: no new migration.
      const again = await migrateDev({ ...opts, name: 'noop' });
      expect(again.created).toBeUndefined();
      expect((await readdir(path.join(dir, 'migrations'))).filter((n) => n.endsWith('_noop'))).toEqual([]);
    });

    it(`db push makes a fresh ${backend} database match the schema without migrations`, async () => {
      const fresh = await createTestDatabase(backend, { migrate: false });
      try {
        const out = await dbPush({ url: fresh.url });
        expect(out.executedSteps).toBeGreaterThan(0);
        const tables = await query<{ tablename: string }>(
          fresh.url,
          "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
        );
        expect(tables.map((t) => t.tablename)).toContain('users');
        expect(tables.map((t) => t.tablename)).not.toContain('_prisma_migrations');
        // The repositories work on a pushed database.
        const u = await fresh.repos.users.create({ email: 'push@test.dev', password: 'password-123' });
        expect(u.id).toBeTruthy();
        // Idempotent: a second push has nothing to do.
        expect((await dbPush({ url: fresh.url })).executedSteps).toBe(0);
      } finally {
        await fresh.drop();
      }
    });
  },
  { migrate: false },
);
