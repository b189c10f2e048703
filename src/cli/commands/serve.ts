import v8 from 'node:v8';
import type { Command } from 'commander';
import { ConfigError, getConfig } from '@/shared/config/index.js';
import { removeServerAddress, writeServerAddress } from '../server-address.js';

/**
 * How far V8 lets a heap grow past what its last full collection kept: 1.5x. By default the factor
 * follows the allocation rate (up to 4x), and a server under steady load grew its API thread's old
 * generation to about twice its live size and never gave it back: 4,000 synchronous documents took
 * the server from 317-343 to 424-453 MB (PostgreSQL), with 50% to 332-364 MB, at 3.6-3.9 vs 3.9-4.1
 * ms of CPU per request (a major collection more often). Process-wide, so the database and engine
 * threads follow it too; a `--heap-growing-percent` given to node is left as it is.
 */
const HEAP_GROWING_PERCENT = 50;

function boundHeapGrowth(): void {
  if (process.execArgv.some((a) => a.startsWith('--heap-growing-percent'))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the whole service (API, workers, studio) in one process; embedded defaults need no configuration')
    .action(async () => {
      boundHeapGrowth();
      let config;
      try {
        config = getConfig();
      } catch (err) {
        if (err instanceof ConfigError) {
          console.error(err.message);
          process.exit(1);
        }
        throw err;
      }
      // The embedded database opens on its own thread while the API's modules load on this one
      // (about a second of a warm start each); an external database is checked in startServer.
      const database = config.database.url
        ? undefined
        : import('@/shared/database/prisma/database.js').then((m) => m.startDatabase({ dataDir: config.dataDir }));
      database?.catch(() => undefined); // observed by startServer; this only keeps it from being "unhandled" meanwhile
      const { startServer } = await import('@/runtime/server.js');
      const { DatabaseNotReadyError } = await import('@/shared/database/prisma/readiness.js');
      const server = await startServer(config, { database }).catch((err: unknown) => {
        // What to do, in one line, instead of a stack trace.
        if (err instanceof DatabaseNotReadyError) {
          console.error(err.message);
          process.exit(1);
        }
        throw err;
      });
      if (config.mode === 'embedded') writeServerAddress(config.dataDir, server.url);
      console.log(
        `[pdf-studio] listening on ${server.url} (studio ${server.url}/, API docs ${server.url}/docs, health ${server.url}/health)`,
      );
      let signalled = false;
      const shutdown = async (signal: string) => {
        if (signalled) process.exit(1);
        signalled = true;
        console.log(`[pdf-studio] ${signal}: shutting down`);
        await server.stop();
        if (config.mode === 'embedded') removeServerAddress(config.dataDir);
        process.exit(0);
      };
      process.on('SIGINT', () => void shutdown('SIGINT'));
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
    });
}
