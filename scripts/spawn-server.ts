/**
 * The server as a child process on loopback, for the load scripts (soak, health under uploads,
 * bench:api): production mode, a fresh data directory, rate limits out of the way; the embedded
 * database unless `env` names one, the sources through tsx unless `compiled`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function rssMb(pid: number): Promise<number> {
  return statusKb(pid, 'VmRSS').then((kb) => Math.round(kb / 1024));
}

/** A field of /proc/<pid>/status in kB (VmRSS now, VmHWM the peak), NaN when the process is gone. */
export async function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
}

/** CPU milliseconds a process has used so far, all its threads (user + system, from /proc/<pid>/stat). */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
// USER_HZ: 100 on every Linux we run on (the kernel ABI fixes it for /proc, whatever CONFIG_HZ is).
const CLOCK_TICKS = 100;

export interface ServerOptions {
  /** Extra node flags, e.g. --cpu-prof or an --import preload. */
  nodeArgs?: string[];
  /** Environment on top of the defaults (DATABASE_URL for PostgreSQL, say). */
  env?: Record<string, string>;
  /** Run dist/server (as `npm start` does, built if stale) instead of the sources through tsx. */
  compiled?: boolean;
  /** Open an IPC channel (for a preload that answers over it). */
  ipc?: boolean;
}

export async function startServer(dataDir: string, port: number, o: ServerOptions = {}): Promise<ChildProcess> {
  if (o.compiled) {
    const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts/ensure-server.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`server build failed:\n${built.stdout}\n${built.stderr}`);
  }
  const entry = o.compiled ? ['--enable-source-maps', 'dist/server/cli.js'] : ['--import', 'tsx', 'src/cli/index.ts'];
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), ...entry, 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000',
      DATABASE_URL: '',
      NODE_ENV: 'production',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe', ...(o.ipc ? (['ipc'] as const) : [])],
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('listening on')) resolve();
    });
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited ${code}:\n${log.slice(-3000)}`)));
  });
  return child;
}

/** Stops a server child with SIGTERM and waits for it to exit. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
