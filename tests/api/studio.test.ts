import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@/api/app.js';
import { storageOrigins, studioCsp } from '@/api/plugins/studio.js';
import { loadConfig } from '@/shared/config/index.js';

describe('studio served by the API', () => {
  let app: FastifyInstance;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'studio-dist-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>PDF Studio</title><div id="root"></div>');
    await writeFile(path.join(dir, 'assets', 'app-1234.js'), 'console.log("studio")');
    app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), checks: [], studioDir: dir, logger: false });
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and the built assets', async () => {
    const index = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('<title>PDF Studio</title>');
    const asset = await app.inject({ method: 'GET', url: '/assets/app-1234.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
  });

  it('the studio page carries a strict Content-Security-Policy (no unsafe-eval, no inline script, no framing)', async () => {
    for (const url of ['/', '/index.html', '/templates/abc']) {
      const res = await app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(res.statusCode, url).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp, url).not.toMatch(/script-src[^;]*'unsafe-(eval|inline)'/);
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toContain("object-src 'none'");
      expect(csp, url).toMatch(/connect-src 'self' blob:(;|$)/);
    }
  });

  it('with S3 storage the bucket origin may be reached for presigned uploads and previews', async () => {
    const s3App = await buildApp({
      config: loadConfig({ LOG_LEVEL: 'silent', STORAGE_DRIVER: 's3', S3_ENDPOINT: 'http://127.0.0.1:4569/x' }),
      checks: [],
      studioDir: dir,
      logger: false,
    });
    try {
      const csp = String(
        (await s3App.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } })).headers['content-security-policy'],
      );
      expect(csp).toContain("connect-src 'self' blob: http://127.0.0.1:4569");
      expect(csp).toContain("frame-src 'self' blob: http://127.0.0.1:4569");
    } finally {
      await s3App.close();
    }
  });

  it('on AWS the policy names our buckets exactly (virtual-hosted), never a wildcard host', () => {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      STORAGE_DRIVER: 's3',
      AWS_REGION: 'us-west-2',
      S3_UPLOAD_BUCKET: 'up-b',
      S3_GENERATED_BUCKET: 'gen-b',
      S3_BUCKET: 'files-b',
    });
    expect(storageOrigins(config).sort()).toEqual([
      'https://files-b.s3.us-west-2.amazonaws.com',
      'https://gen-b.s3.us-west-2.amazonaws.com',
      'https://up-b.s3.us-west-2.amazonaws.com',
    ]);
    expect(studioCsp(storageOrigins(config))).not.toContain('*');
    // A custom endpoint with virtual-hosted URLs: bucket.host, not the endpoint's bare origin.
    const custom = loadConfig({
      LOG_LEVEL: 'silent',
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: 'https://storage.example.com',
      S3_FORCE_PATH_STYLE: 'false',
      S3_UPLOAD_BUCKET: 'up-b',
    });
    expect(storageOrigins(custom)).toContain('https://up-b.storage.example.com');
  });

  it('falls back to index.html for deep links, never for API paths', async () => {
    const deep = await app.inject({ method: 'GET', url: '/templates/abc', headers: { accept: 'text/html' } });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('id="root"');
    const api = await app.inject({ method: 'GET', url: '/api/nope', headers: { accept: 'text/html' } });
    expect(api.statusCode).toBe(404);
    expect(api.json().code).toBe('route_not_found');
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.json().status).toBe('ok');
  });
});
