import { existsSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * Fresh, empty PGlite clusters for throw-away uses (the migration shadow database, tests).
 *
 * Measured here: `initdb` inside PGlite takes ~5.5 s on our 2-core machines, while loading a
 * snapshot of a freshly initialised cluster takes ~1.2 s. So the first fresh cluster on a machine
 * is dumped to `<tmpdir>/pdf-studio-pglite-<version>.tar` and later ones start from that file.
 * The snapshot is of an *empty* cluster (no schema, no data), identical to what initdb produces.
 * The persistent embedded database does not use it: it runs initdb once, on first start.
 */

const require = createRequire(import.meta.url);
// The package does not export its package.json; find it next to the resolved entry (dist/…).
const pkgJson = path.join(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
const snapshotPath = path.join(os.tmpdir(), `pdf-studio-pglite-${version}-empty.tar`);

let snapshot: Promise<Blob | undefined> | undefined;

async function readSnapshot(): Promise<Blob | undefined> {
  if (!existsSync(snapshotPath)) return undefined;
  try {
    return new Blob([await readFile(snapshotPath)]);
  } catch {
    return undefined;
  }
}

/** A new empty cluster, in memory (default) or at `dataDir` (which must not exist yet). */
export async function createFreshPGlite(dataDir = 'memory://'): Promise<PGlite> {
  snapshot ??= readSnapshot();
  let blob = await snapshot;
  if (blob) {
    try {
      return await PGlite.create(dataDir, { loadDataDir: blob });
    } catch {
      // A damaged snapshot must never break a run: fall back to initdb and replace it.
      snapshot = undefined;
      blob = undefined;
    }
  }
  const db = await PGlite.create(dataDir);
  if (!blob) {
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
