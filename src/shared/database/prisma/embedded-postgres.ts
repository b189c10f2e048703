import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { keepExchangesWhole } from './pglite-wire-order.js';
import { migrateDeploy } from './migrator.js';
import { workerModule } from '@/shared/threads/worker-module.js';
import type { PGliteWorkerInput, PGliteWorkerMessage } from './pglite-worker.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The embedded PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly, in a worker thread of this
 * process: pglite-worker.ts) persisted under `<dataDir>/pglite`, served on a loopback port by
 * pglite-socket. Everything else — the Prisma
 * pg adapter, the migrator, the job queue, `db:studio`, psql — connects to its URL like to any
 * PostgreSQL, so there is one code path for embedded and production.
 *
 * PGlite is a single session: pglite-socket queues statements from all connections and keeps an
 * explicit transaction on the connection that opened it. Measured start-up (2-core machine, idle):
 * first start ~6 s with initdb, ~1.5 s from the empty-cluster snapshot, + ~1 s migrations;
 * restart ~0.6-1 s. On a busy machine these grow 5-10x (initdb 30-60 s).
 */

export interface EmbeddedPostgres {
  /** postgresql:// URL on 127.0.0.1 (the port is chosen free at start unless given). */
  url: string;
  port: number;
  dataDir: string;
  /** Migrations applied at this start (empty when up to date or `migrate: false`). */
  appliedMigrations: string[];
  /** Milliseconds spent opening PGlite (initdb on first start), and in total until ready. */
  timings: { openMs: number; migrateMs: number; totalMs: number; firstStart: boolean; reopenMs?: number };
  /** VACUUM (ANALYZE) now (it also runs every 10 minutes). */
  vacuum(): Promise<void>;
  /** Closes connections, flushes and closes PGlite, releases the data-directory lock. Idempotent. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Service data directory; the cluster lives in `<dataDir>/pglite`. */
  dataDir: string;
  port?: number;
  /** Apply pending migrations at start (default true). */
  migrate?: boolean;
  maxConnections?: number;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const openInThisProcess = new Set<string>();

/**
 * Two PGlite instances on one directory would corrupt it: a pid lock file guards against another
 * process, a set against a second start in this one. A lock left by a dead process is taken over.
 */
function acquireLock(lockPath: string): () => void {
  if (openInThisProcess.has(lockPath)) throw new Error(`The embedded database at ${path.dirname(lockPath)} is in use by this process`);
  try {
    const pid = Number(readFileSync(lockPath, 'utf8'));
    if (pid && pid !== process.pid && pidAlive(pid)) {
      throw new Error(`The embedded database at ${path.dirname(lockPath)} is in use by process ${pid}`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  writeFileSync(lockPath, String(process.pid));
  openInThisProcess.add(lockPath);
  return () => {
    openInThisProcess.delete(lockPath);
    rmSync(lockPath, { force: true });
  };
}

export interface ServedPGlite {
  url: string;
  port: number;
  appliedMigrations: string[];
  migrateMs: number;
  /** Stops the socket server and closes PGlite. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Serves an open PGlite on a loopback port and (by default) migrates it. Used by
 * startEmbeddedPostgres and by tests that need a throw-away database on the same code path.
 * Takes ownership of `db`: stop() closes it.
 */
export async function servePGlite(
  db: PGlite,
  opts: { port?: number; migrate?: boolean; maxConnections?: number } = {},
): Promise<ServedPGlite> {
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: opts.port ?? 0, maxConnections: opts.maxConnections ?? 100 });
  keepExchangesWhole(server);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await server.stop().catch(() => undefined);
      await db.close();
    })();
    return stopped;
  };
  try {
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
    const m0 = performance.now();
    const appliedMigrations = opts.migrate === false ? [] : (await migrateDeploy({ url })).applied;
    return { url, port, appliedMigrations, migrateMs: Math.round(performance.now() - m0), stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** How often the embedded database is vacuumed and analysed (PGlite has no autovacuum worker). */
const MAINTENANCE_MS = 10 * 60_000;

/**
 * Young generation of the database thread (MB). Its work is PostgreSQL's, inside WebAssembly memory;
 * its JavaScript only passes protocol messages, so V8's default nursery (up to 32 MB resident)
 * would sit mostly empty: 12 MB keeps ~20 MB less resident.
 */
const YOUNG_GENERATION_MB = 12;

interface DatabaseThread {
  worker: Worker;
  port: number;
  openMs: number;
}

/** Starts the database thread on the cluster and waits until its socket server listens. */
async function openThread(input: PGliteWorkerInput): Promise<DatabaseThread> {
  const filename = await workerModule(here, 'pglite-worker');
  if (!filename) throw new Error('the embedded database thread module is missing');
  const worker = new Worker(filename, { workerData: input, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  try {
    const ready = await new Promise<{ port: number; openMs: number }>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the embedded database thread exited (${code}) before it was ready`)));
      worker.once('message', (m: PGliteWorkerMessage) =>
        'ready' in m ? resolve(m) : reject(new Error('error' in m ? m.error : 'unexpected message')),
      );
    });
    worker.removeAllListeners('exit');
    return { worker, ...ready };
  } catch (err) {
    await worker.terminate().catch(() => undefined);
    throw err;
  }
}

/** PGlite flushes its files when it closes: wait for that (bounded), then end the thread. */
async function closeThread(worker: Worker): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    worker.on('message', (m: PGliteWorkerMessage) => 'stopped' in m && resolve());
    worker.once('exit', () => resolve());
  });
  worker.postMessage('stop');
  await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000).unref())]);
  await worker.terminate();
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const started = performance.now();
  const clusterDir = path.resolve(opts.dataDir, 'pglite');
  mkdirSync(path.dirname(clusterDir), { recursive: true });
  const firstStart = !existsPgVersion(clusterDir);
  const release = acquireLock(`${clusterDir}.lock`);
  const input = (first: boolean): PGliteWorkerInput => ({
    clusterDir,
    firstStart: first,
    port: opts.port ?? 0,
    maxConnections: opts.maxConnections ?? 100,
  });
  let thread: DatabaseThread | undefined;
  try {
    // First start: an empty cluster from the cached snapshot when there is one (see pglite.ts).
    thread = await openThread(input(firstStart));
    const { openMs } = thread;
    const urlOf = (port: number) => `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
    const m0 = performance.now();
    const appliedMigrations = opts.migrate === false ? [] : (await migrateDeploy({ url: urlOf(thread.port) })).applied;
    const migrateMs = Math.round(performance.now() - m0);
    let reopenMs: number | undefined;
    if (firstStart || appliedMigrations.length > 0) {
      const r0 = performance.now();
      // PGlite's WebAssembly memory only grows: after initdb or a snapshot load and the DDL of the
      // migrations it holds ~100 MB more than the same cluster opened afresh (measured: idle
      // server after its first start 505 -> 406 MB RSS). A new thread on the cluster starts from
      // the smaller footprint; closing (PGlite flushes) and opening again cost ~0.4-0.5 s, only on a
      // start that created the cluster or changed its schema.
      await closeThread(thread.worker);
      thread = undefined;
      thread = await openThread(input(false));
      reopenMs = Math.round(performance.now() - r0);
    }
    const { worker, port } = thread;
    const url = urlOf(port);
    const maintenance = setInterval(() => void vacuum(url), MAINTENANCE_MS);
    maintenance.unref();
    let stopped: Promise<void> | undefined;
    return {
      url,
      port,
      dataDir: clusterDir,
      appliedMigrations,
      timings: {
        openMs,
        migrateMs,
        totalMs: Math.round(performance.now() - started),
        firstStart,
        ...(reopenMs === undefined ? {} : { reopenMs }),
      },
      vacuum: () => vacuum(url),
      stop: () => {
        clearInterval(maintenance);
        stopped ??= closeThread(worker).finally(release);
        return stopped;
      },
    };
  } catch (err) {
    await thread?.worker.terminate().catch(() => undefined);
    release();
    throw err;
  }
}

/**
 * VACUUM (ANALYZE) over a connection of its own: PGlite never vacuums by itself, and a busy queue
 * leaves dead rows that every later fetch scans. Failures are left for the next round.
 */
async function vacuum(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('VACUUM (ANALYZE)');
  } catch {
    // Maintenance only.
  } finally {
    await client.end().catch(() => undefined);
  }
}

function existsPgVersion(clusterDir: string): boolean {
  try {
    readFileSync(path.join(clusterDir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}
