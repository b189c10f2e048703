import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPdfStudioClient } from '../../packages/client/src/index.js';
import { runQuickstartAndCheck } from '../helpers/quickstart.js';
import { eventually, GiveUp } from '../helpers/eventually.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The first `npm start` on a tree may build the studio (web/dist) and migrate a fresh database: a slow machine needs minutes. */
const STARTUP_MS = 240_000;

/**
 * Issue 17's must-show: the SDK's README example run against `npm start` itself — the command a
 * user types, in its own process (npm, its prestart step, the CLI, embedded database, queue and
 * workers) — not an in-process server as in tests/client/sdk.test.ts.
 */
describe('the SDK example against `npm start`', () => {
  let dataDir: string;
  let child: ChildProcess;
  let output = '';
  let url = '';
  let apiKey = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sdk-npm-start-'));
    const env = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', PUBLIC_URL: '', LOG_LEVEL: 'warn' };
    // Its own process group, so the whole tree (npm → sh → tsx → node) is stopped by its id at the end.
    child = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    // The server writes the address it bound (PORT=0: the system's choice) to DATA_DIR/server-address.json.
    url = await eventually(
      async () => {
        if (child.exitCode !== null) throw new GiveUp(`npm start exited (${child.exitCode}): ${output}`);
        const written = JSON.parse(await readFile(path.join(dataDir, 'server-address.json'), 'utf8')) as { url: string };
        const health = await fetch(`${written.url}/health`);
        expect(health.status).toBe(200);
        return written.url;
      },
      { timeoutMs: STARTUP_MS, intervalMs: 250, what: 'npm start to answer /health' },
    );
    const anonymous = createPdfStudioClient({ baseUrl: url });
    const session = await anonymous.unwrap(
      anonymous.api.POST('/api/auth/register', {
        body: { email: 'sdk-npm-start@example.com', password: 'correct horse battery', name: 'SDK' },
      }),
    );
    const user = createPdfStudioClient({ baseUrl: url, accessToken: session.accessToken });
    apiKey = (await user.unwrap(user.api.POST('/api/api-keys', { body: { name: 'sdk-npm-start' } }))).key;
  }, STARTUP_MS + 30_000);

  afterAll(async () => {
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('runs the README example: upload, template, field, publish, generate, a job with progress', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await runQuickstartAndCheck(url, apiKey);
  }, 180_000);
});
