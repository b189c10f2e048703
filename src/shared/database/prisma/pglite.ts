import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * Fresh, empty PGlite clusters: the migration shadow database, tests, and the first start of the
 * embedded database.
 *
 * Measured on our 2-core machines: `initdb` inside PGlite takes ~5.5 s idle (30-60 s when the
 * machine is busy), loading a snapshot of a freshly initialised cluster ~1.2 s (~10 s busy). So
 * the first fresh cluster is dumped to `<tmpdir>/pdf-studio-pglite-<uid>/empty-<version>.tar` and
 * later ones start from that file. The snapshot is of an *empty* cluster (no schema, no data).
 * Its directory is private (0700, owned by us) so another local user cannot plant a cluster.
 */

const require = createRequire(import.meta.url);
// The package does not export its package.json; find it next to the resolved entry (dist/…).
const pkgJson = path.join(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
const snapshotDir = path.join(os.tmpdir(), `pdf-studio-pglite-${uid ?? 'user'}`);
const snapshotPath = path.join(snapshotDir, `empty-${version}.tar`);

/** The snapshot directory, created private; undefined when it is not safely ours. */
function privateSnapshotDir(): string | undefined {
  try {
    mkdirSync(snapshotDir, { recursive: true, mode: 0o700 });
    const st = statSync(snapshotDir);
    if (uid !== undefined && (st.uid !== uid || (st.mode & 0o077) !== 0)) return undefined;
    return snapshotDir;
  } catch {
    return undefined;
  }
}

let snapshot: Promise<Blob | undefined> | undefined;

async function readSnapshot(): Promise<Blob | undefined> {
  if (!privateSnapshotDir() || !existsSync(snapshotPath)) return undefined;
  try {
    return new Blob([await readFile(snapshotPath)]);
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL's memory settings for the embedded server. PGlite's WebAssembly memory only grows, and
 * PostgreSQL's defaults (128 MB shared buffers, 64 MB for VACUUM and index builds) size it for a
 * dedicated host; this database lives inside the API process, its tables are a few hundred MB at
 * most and the operating system caches the data files anyway. Measured: a 200,000-row load and
 * index build in one process, RSS 1,301 MB with the defaults, 881 MB with these. (A 10,000-record
 * job's peak RSS did not change: that peak is elsewhere; see the README's bench notes.)
 */
const EMBEDDED_SETTINGS = { shared_buffers: '32MB', maintenance_work_mem: '16MB', work_mem: '2MB' };
/** PGlite's own start parameters plus ours, as `postgres -c name=value` (postgresql.conf is left as initdb wrote it). */
const startParams = (): string[] => [
  ...PGlite.defaultStartParams,
  ...Object.entries(EMBEDDED_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
];

/** Opens the cluster at `dataDir` with the embedded server's settings. */
export function openPGlite(dataDir: string): Promise<PGlite> {
  return PGlite.create(dataDir, { startParams: startParams() });
}

/** A new empty cluster, in memory (default) or at `dataDir` (which must not hold a cluster yet). */
export async function createFreshPGlite(dataDir = 'memory://'): Promise<PGlite> {
  snapshot ??= readSnapshot();
  let blob = await snapshot;
  if (blob) {
    try {
      return await PGlite.create(dataDir, { loadDataDir: blob, startParams: startParams() });
    } catch {
      // A damaged snapshot must never break a run: fall back to initdb and replace it.
      snapshot = undefined;
      blob = undefined;
    }
  }
  const db = await PGlite.create(dataDir, { startParams: startParams() });
  if (!blob && privateSnapshotDir()) {
    try {
      const dump = await db.dumpDataDir('none');
      const tmp = `${snapshotPath}.${process.pid}.tmp`;
      await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
      await rename(tmp, snapshotPath); // atomic: concurrent processes never read a partial file
      snapshot = Promise.resolve(dump);
    } catch {
      // Caching is an optimisation only.
    }
  }
  return db;
}
