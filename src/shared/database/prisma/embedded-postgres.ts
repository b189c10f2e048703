import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { keepExchangesWhole } from './pglite-wire-order.js';
import { migrateDeploy } from './migrator.js';
import { createFreshPGlite } from './pglite.js';

/**
 * The embedded PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly, in this process) persisted
 * under `<dataDir>/pglite`, served on a loopback port by pglite-socket. Everything else — the Prisma
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
  timings: { openMs: number; migrateMs: number; totalMs: number; firstStart: boolean };
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

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const started = performance.now();
  const clusterDir = path.join(path.resolve(opts.dataDir), 'pglite');
  mkdirSync(path.dirname(clusterDir), { recursive: true });
  const firstStart = !existsPgVersion(clusterDir);
  const release = acquireLock(`${clusterDir}.lock`);
  try {
    // First start: an empty cluster from the cached snapshot when there is one (see pglite.ts).
    const db = firstStart ? await createFreshPGlite(clusterDir) : await PGlite.create(clusterDir);
    const openMs = Math.round(performance.now() - started);
    const served = await servePGlite(db, opts);
    let stopped: Promise<void> | undefined;
    return {
      url: served.url,
      port: served.port,
      dataDir: clusterDir,
      appliedMigrations: served.appliedMigrations,
      timings: { openMs, migrateMs: served.migrateMs, totalMs: Math.round(performance.now() - started), firstStart },
      stop: () => {
        stopped ??= served.stop().finally(release);
        return stopped;
      },
    };
  } catch (err) {
    release();
    throw err;
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
