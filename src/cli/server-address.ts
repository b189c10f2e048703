import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where a running `serve` says which address it listens on, beside the embedded database it holds:
 * with PORT=0 the system picks the port, so a CLI command refused by the database's lock could not
 * otherwise tell the user which `--url` reaches that server.
 */
const FILE = 'server-address.json';

interface ServerAddress {
  pid: number;
  url: string;
}

export function writeServerAddress(dataDir: string, url: string): void {
  writeFileSync(path.join(dataDir, FILE), JSON.stringify({ pid: process.pid, url } satisfies ServerAddress));
}

export function removeServerAddress(dataDir: string): void {
  rmSync(path.join(dataDir, FILE), { force: true });
}

/** The URL the server of process `pid` listens on, if it wrote one (a stale file of another process is ignored). */
export function readServerAddress(dataDir: string, pid: number): string | undefined {
  try {
    const found = JSON.parse(readFileSync(path.join(dataDir, FILE), 'utf8')) as Partial<ServerAddress>;
    return found.pid === pid && typeof found.url === 'string' ? found.url : undefined;
  } catch {
    return undefined;
  }
}
