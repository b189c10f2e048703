import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Config } from '@/shared/config/index.js';

/** Paths that belong to the API: a miss there is a JSON 404, never the studio's page. */
const API_PREFIXES = ['/api/', '/api', '/docs', '/health', '/blobs/'];

/**
 * Exactly where the browser itself talks to storage: the origins of our buckets' presigned URLs
 * (local storage is served by us). Never a wildcard such as *.amazonaws.com, which would let an
 * injected script post data to anyone's bucket. Path-style URLs share one host for every bucket,
 * so that host is allowed only when path style is forced (local S3-compatible servers).
 */
export function storageOrigins(config: Pick<Config, 'storage' | 'region'>): string[] {
  const { storage } = config;
  if (storage.driver !== 's3') return [];
  const base = storage.endpoint ? new URL(storage.endpoint) : new URL(`https://s3.${config.region}.amazonaws.com`);
  if (storage.forcePathStyle) return [base.origin];
  const buckets = [...new Set(Object.values(storage.buckets))];
  return buckets.map((bucket) => `${base.protocol}//${bucket}.${base.host}`);
}

/**
 * The studio page's Content-Security-Policy. Helmet's CSP is off for the API as a whole (JSON
 * responses gain nothing from it and /docs needs swagger-ui's inline scripts), so the studio's HTML
 * carries its own, as strict as the studio allows: pdf.js needs a worker from 'self' and WebAssembly
 * ('wasm-unsafe-eval', not 'unsafe-eval'); previews are blob: URLs in an iframe; uploads and
 * downloads go to 'self' or, with S3 storage, to the bucket's origin (presigned URLs).
 */
export function studioCsp(storageOrigins: string[] = []): string {
  const remote = storageOrigins.join(' ');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' blob: ${remote}`.trim(),
    "worker-src 'self' blob:",
    `frame-src 'self' blob: ${remote}`.trim(),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Serves the built studio (web/dist) at `/` with a single-page-app fallback: any other GET that
 * wants HTML gets index.html, so deep links like /templates/abc survive a reload.
 */
export async function registerStudio(app: FastifyInstance, root: string, opts: { storageOrigins?: string[] } = {}): Promise<boolean> {
  if (!existsSync(`${root}/index.html`)) return false;
  const csp = studioCsp(opts.storageOrigins);
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: ['index.html'],
    cacheControl: true,
    maxAge: '1h',
    setHeaders: (reply, file) => {
      if (file.endsWith('.html')) reply.header('content-security-policy', csp);
    },
  });
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0];
    const wantsHtml = (request.headers.accept ?? '').includes('text/html');
    if (API_PREFIXES.some((p) => path === p || path.startsWith(p)) || !wantsHtml) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').header('content-security-policy', csp).sendFile('index.html');
  });
  return true;
}
