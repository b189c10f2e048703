import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import dynalite from 'dynalite';

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

export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const dir = options.path ?? (options.dataDir ? path.join(options.dataDir, 'dynamodb') : undefined);
  if (dir) await mkdir(dir, { recursive: true });
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
