import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../helpers/postgres.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const run = promisify(execFile);

/** The CLI in its own process (async: the PGlite backend, if any, answers from this one). */
async function cli(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [TSX, 'src/cli/index.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe.skipIf(postgresSkipReason('postgresql'))('CLI: admin grant | revoke | list (PostgreSQL)', () => {
  let db: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'cli-admin-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('makes an administrator without SQL, audited; revoke takes it back', async () => {
    const env = { DATABASE_URL: db.url, DATA_DIR: dataDir };
    const user = await db.repos.users.create({ email: 'Ops@Example.com', password: 'correct horse battery' });
    const granted = await cli(['admin', 'grant', 'ops@example.com'], env);
    expect(granted, granted.stderr).toMatchObject({ code: 0 });
    expect(granted.stdout).toContain('ops@example.com: user → admin');
    expect((await db.repos.users.findByEmail('ops@example.com'))?.role).toBe('admin');
    const audit = await db.prisma.auditLog.findMany({ where: { action: 'user.role', resourceId: user.id } });
    expect(audit.map((a) => a.details)).toEqual([{ role: 'admin', previous: 'user', via: 'cli' }]);

    const listed = await cli(['admin', 'list'], env);
    expect(listed.stdout).toContain(`ops@example.com\t${user.id}`);

    // The only administrator stays one: one line, exit code 1, the role unchanged.
    const last = await cli(['admin', 'revoke', 'ops@example.com'], env);
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('only administrator');
    expect(last.stderr).not.toMatch(/\n\s+at /);
    expect((await db.repos.users.findByEmail('ops@example.com'))?.role).toBe('admin');

    // With a second administrator, revoke takes it back.
    await db.repos.users.create({ email: 'second@example.com', password: 'correct horse battery', role: 'admin' });
    expect((await cli(['admin', 'revoke', 'ops@example.com'], env)).code).toBe(0);
    expect((await db.repos.users.findByEmail('ops@example.com'))?.role).toBe('user');
  }, 240_000);

  it('an unknown email is one line and exit code 1, never a stack trace', async () => {
    const res = await cli(['admin', 'grant', 'nobody@example.com'], { DATABASE_URL: db.url, DATA_DIR: dataDir });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('no account with that email');
    expect(res.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
