import type { Command } from 'commander';
import { ConfigError, getConfig } from '@/shared/config/index.js';
import { removeServerAddress, writeServerAddress } from '../server-address.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the whole service (API, workers, studio) in one process; embedded defaults need no configuration')
    .action(async () => {
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
