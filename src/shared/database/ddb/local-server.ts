import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import dynalite from 'dynalite';
import { Level } from 'level';
import { AppError } from '@/shared/errors.js';

/**
 * The local DynamoDB-compatible server (dynalite, LevelDB storage) started in this process on a
 * free loopback port. Persisted under `<dataDir>/dynamodb` (or an explicit path), or in memory.
 * Everything talks to it over HTTP with the real SDK, exactly as it would to AWS.
 */

export interface LocalDynamoOptions {
  /** Persist under `<dataDir>/dynamodb`. */
  dataDir?: string;
  /** Persist exactly here (wins over dataDir). Neither: in memory. */
  path?: string;
  /** Default 0 = a free port chosen by the OS. */
  port?: number;
  host?: string;
}

export interface LocalDynamo {
  endpoint: string;
  port: number;
  /** Where the data lives, or undefined when in memory. */
  path: string | undefined;
  stop(): Promise<void>;
}

/**
 * dynalite opens its LevelDB lazily and, if another process (or server) holds the directory's
 * lock, fails later inside a request with an uncaught "Database is not open" that kills the
 * process. So we open the same store (same `level` package) first: a held lock becomes a clear
 * error at start-up. The probe closes before dynalite opens, releasing the lock.
 */
async function assertStoreAvailable(dir: string): Promise<void> {
  const probe = new Level(dir);
  try {
    await probe.open();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    const locked =
      (err as { code?: string }).code === 'LEVEL_LOCKED' ||
      cause?.code === 'LEVEL_LOCKED' ||
      /lock/i.test(String((err as Error).message) + String(cause));
    throw new AppError(
      locked ? 'ddb_store_locked' : 'ddb_store_unavailable',
      locked
        ? `the local DynamoDB store ${dir} is in use by another server or process`
        : `cannot open the local DynamoDB store ${dir}: ${(err as Error).message}`,
      { path: dir },
    );
  }
  await probe.close();
}

export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const dir = options.path ?? (options.dataDir ? path.join(options.dataDir, 'dynamodb') : undefined);
  if (dir) {
    await mkdir(dir, { recursive: true });
    await assertStoreAvailable(dir);
  }
  // Table state changes are instantaneous locally (the defaults simulate AWS's 500 ms).
  const server = dynalite({ path: dir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    path: dir,
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        // Keep-alive sockets of SDK clients would otherwise hold close() open; dynalite's close()
        // then flushes and closes LevelDB, releasing its lock for the next start on the same path.
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
