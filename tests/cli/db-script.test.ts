import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');

/** `npm run db:*` (scripts/db.ts) as a person runs it, in a child process. */
describe('database scripts', () => {
  const dirs: string[] = [];
  const tmp = async (prefix: string) => {
    const d = await mkdtemp(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('db:generate creates the Prisma client on a tree that has none yet', async () => {
    // A fresh clone: the schema, the script and its config, the installed packages — no src/generated.
    const tree = await tmp('db-generate-');
    for (const f of ['package.json', 'tsconfig.json', 'prisma.config.ts', 'scripts/db.ts', 'src/shared/database/prisma/schema.prisma']) {
      await mkdir(path.dirname(path.join(tree, f)), { recursive: true });
      await cp(path.join(ROOT, f), path.join(tree, f));
    }
    await symlink(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'));
    const run = spawnSync(process.execPath, [TSX, 'scripts/db.ts', 'generate'], { cwd: tree, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(existsSync(path.join(tree, 'src/generated/prisma/client.ts'))).toBe(true);
  }, 180_000);

  it('db:migrate without --name and without a terminal names the migration itself', async () => {
    const dataDir = await tmp('db-migrate-');
    const run = spawnSync(process.execPath, [TSX, 'scripts/db.ts', 'migrate'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      input: '',
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
    });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stderr).toMatch(/no --name given: naming the migration schema_change_\d{14}/);
    expect(run.stdout).toContain('Schema unchanged: no new migration.');
  }, 180_000);

  it.runIf(process.env.TEST_DATABASE_URL)(
    'db:migrate:deploy applies the pending migrations of an external PostgreSQL (the step the start-up check asks for)',
    async () => {
      const admin = new URL(process.env.TEST_DATABASE_URL!);
      const name = `pdf_studio_deploy_${Date.now().toString(36)}`;
      const psql = (sql: string) => spawnSync('psql', [admin.toString(), '-qc', sql], { encoding: 'utf8' });
      expect(psql(`CREATE DATABASE ${name}`).status).toBe(0);
      try {
        const url = new URL(admin);
        url.pathname = `/${name}`;
        const deploy = () =>
          spawnSync(process.execPath, [TSX, 'scripts/db.ts', 'deploy'], {
            cwd: ROOT,
            encoding: 'utf8',
            timeout: 120_000,
            env: { ...process.env, DATABASE_URL: url.toString() },
          });
        const first = deploy();
        expect(first.status, first.stderr + first.stdout).toBe(0);
        expect(first.stdout).toMatch(/^Applied: 20261125120227_init, /m);
        const again = deploy();
        expect(again.status, again.stderr + again.stdout).toBe(0);
        expect(again.stdout).toContain('No pending migrations.');
      } finally {
        psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    },
    180_000,
  );
});
