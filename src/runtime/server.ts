import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/api/app.js';
import type { Config } from '@/shared/config/index.js';
import { startInfrastructure, type Infrastructure, type InfrastructureOptions } from './infrastructure.js';
import { SERVICE_VERSION } from './version.js';
import { createServices } from './services.js';
import { startWorkers } from '@/workers/index.js';
import { fileURLToPath } from 'node:url';

/** The built studio (npm run build:web); the API serves it at / when present. */
const STUDIO_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface RunningServer {
  app: FastifyInstance;
  infrastructure: Infrastructure;
  url: string;
  stop(): Promise<void>;
}

/**
 * The whole service in one process (the embedded default, or any mix of local and cloud parts the
 * configuration names): infrastructure, API, workers and studio.
 */
export async function startServer(config: Config, opts: InfrastructureOptions = {}): Promise<RunningServer> {
  const infrastructure = await startInfrastructure(config, (msg) => console.log(`[pdf-studio] ${msg}`), opts);
  let app: FastifyInstance | undefined;
  let workers: Awaited<ReturnType<typeof startWorkers>> | undefined;
  try {
    const services = createServices(infrastructure);
    app = await buildApp({ config, checks: infrastructure.checks, version: SERVICE_VERSION, services, studioDir: STUDIO_DIR });
    await app.listen({ host: config.http.host, port: config.http.port });
    // In embedded mode the queue consumers run in this process; in AWS each queue has its Lambda.
    if (config.mode === 'embedded') workers = await startWorkers(services);
  } catch (err) {
    await workers?.stop().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await infrastructure.stop();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
  infrastructure.setListenUrl(url);
  let stopping: Promise<void> | undefined;
  const running = app;
  return {
    app: running,
    infrastructure,
    url,
    stop() {
      stopping ??= (async () => {
        await workers?.stop();
        await running.close();
        await infrastructure.stop();
      })();
      return stopping;
    },
  };
}
