import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const run = promisify(execFile);

/**
 * `pdf-studio serve` (what `npm start` runs) in its own process on PORT=0: everything it prints or
 * hands out names the port the system chose, and a CLI command refused by the embedded database's
 * lock points at that address.
 */
describe('serve on PORT=0, in its own process', () => {
  let dataDir: string;
  let child: ChildProcess;
  let stdout = '';
  let url = '';
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'serve-port0-'));
    env = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', PUBLIC_URL: '', LOG_LEVEL: 'warn' };
    const started = Date.now();
    child = spawn(process.execPath, [TSX, 'src/cli/index.ts', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => (stdout += d.toString()));
    url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(stdout);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stdout}`)));
    });
    console.log(`serve on PORT=0 printed its address after ${Date.now() - started} ms (fresh DATA_DIR: migrations included)`);
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints the real port in its start-up line, for the studio, the docs and /health alike', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);
    expect(stdout).toContain(`(studio ${url}/, API docs ${url}/docs, health ${url}/health)`);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/docs`)).status).toBe(200);
    // No `servers` entry: the docs' "try it out" calls the origin the page came from, the real port.
    const doc = (await (await fetch(`${url}/docs/json`)).json()) as { servers?: unknown };
    expect(doc.servers).toBeUndefined();
  });

  it('hands out an absolute export link on that port', async () => {
    const json = { 'content-type': 'application/json' };
    const reg = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'port0-serve@example.com', password: 'correct horse battery', name: 'Zero' }),
    });
    expect(reg.status).toBe(201);
    const { accessToken } = (await reg.json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}` };
    const res = await fetch(`${url}/api/account/export`, { method: 'POST', headers: auth });
    expect(res.status).toBe(202);
    const { id } = ((await res.json()) as { export: { id: string } }).export;
    // Built by the server's own cleanup worker.
    const link = await eventually(
      async () => {
        const poll = (await (await fetch(`${url}/api/account/export/${id}`, { headers: auth })).json()) as { status: string; url: string };
        expect(poll.status).toBe('completed');
        return poll.url;
      },
      { timeoutMs: 60_000, what: 'the export to complete' },
    );
    expect(link.startsWith(`${url}/blobs/`), link).toBe(true);
    const zip = await fetch(link);
    expect(zip.status).toBe(200);
    expect(
      Buffer.from(await zip.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
  });

  it('a CLI command beside it is refused with the --url of this server, and the address file goes at shutdown', async () => {
    const address = path.join(dataDir, 'server-address.json');
    // The pid is the server's own (under tsx, a child of the process spawned here): the lock's holder.
    const written = JSON.parse(await readFile(address, 'utf8')) as { pid: number; url: string };
    expect(written).toEqual({ pid: expect.any(Number), url });
    const refused = await run(process.execPath, [TSX, 'src/cli/index.ts', 'integrity'], { cwd: ROOT, env, timeout: 120_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code?: number; stderr?: string }) => ({ code: err.code, stderr: err.stderr ?? '' }),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`is in use by process ${written.pid} `);
    expect(refused.stderr).toContain(`--url ${url} and PDF_STUDIO_API_KEY`);

    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(address)).toBe(false);
  }, 120_000);
});
