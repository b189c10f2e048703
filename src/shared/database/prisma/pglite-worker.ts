import { parentPort, workerData } from 'node:worker_threads';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { keepExchangesWhole } from './pglite-wire-order.js';
import { createFreshPGlite, openPGlite } from './pglite.js';

/**
 * The embedded database's thread: PGlite (PostgreSQL in WebAssembly) and its socket server, off the
 * thread that answers requests. Measured in a job before this thread existed, PGlite's engine and
 * socket server were 57% of the main thread's time. The parent holds the data-directory lock and
 * talks to the database only over the socket, like any PostgreSQL client.
 */

export interface PGliteWorkerInput {
  clusterDir: string;
  firstStart: boolean;
  port: number;
  maxConnections: number;
}

export type PGliteWorkerMessage = { ready: true; port: number; openMs: number } | { error: string } | { stopped: true };

const input = workerData as PGliteWorkerInput;
const port = parentPort!;

try {
  const t0 = performance.now();
  const db = input.firstStart ? await createFreshPGlite(input.clusterDir) : await openPGlite(input.clusterDir);
  const openMs = Math.round(performance.now() - t0);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: input.port, maxConnections: input.maxConnections });
  keepExchangesWhole(server);
  await server.start();
  port.on('message', (m: unknown) => {
    if (m !== 'stop') return;
    void (async () => {
      await server.stop().catch(() => undefined);
      await db.close().catch(() => undefined);
      port.postMessage({ stopped: true } satisfies PGliteWorkerMessage);
    })();
  });
  port.postMessage({ ready: true, port: Number(server.getServerConn().split(':').pop()), openMs } satisfies PGliteWorkerMessage);
} catch (err) {
  port.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies PGliteWorkerMessage);
}
