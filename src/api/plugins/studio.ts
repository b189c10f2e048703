import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Paths that belong to the API: a miss there is a JSON 404, never the studio's page. */
const API_PREFIXES = ['/api/', '/api', '/docs', '/health', '/blobs/'];

/**
 * Serves the built studio (web/dist) at `/` with a single-page-app fallback: any other GET that
 * wants HTML gets index.html, so deep links like /templates/abc survive a reload.
 */
export async function registerStudio(app: FastifyInstance, root: string): Promise<boolean> {
  if (!existsSync(`${root}/index.html`)) return false;
  await app.register(fastifyStatic, { root, wildcard: false, index: ['index.html'], cacheControl: true, maxAge: '1h' });
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0];
    const wantsHtml = (request.headers.accept ?? '').includes('text/html');
    if (API_PREFIXES.some((p) => path === p || path.startsWith(p)) || !wantsHtml) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
  return true;
}
