import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/shared/config/index.js';
import { startServer, type RunningServer } from '@/runtime/server.js';

describe('the embedded server on PORT=0', () => {
  let dataDir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'listen-url-'));
    const env = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', PUBLIC_URL: '', LOG_LEVEL: 'warn' };
    server = await startServer(loadConfig(env));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('hands out absolute signed URLs on the port the system chose', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
    const json = { 'content-type': 'application/json' };
    const reg = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'port0@example.com', password: 'correct horse battery', name: 'Port Zero' }),
    });
    expect(reg.status).toBe(201);
    const { accessToken } = (await reg.json()) as { accessToken: string };
    const res = await fetch(`${server.url}/api/files/upload-url`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ filename: 'a.pdf', contentType: 'application/pdf', size: 100 }),
    });
    expect(res.status).toBe(201);
    const { uploadUrl } = (await res.json()) as { uploadUrl: string };
    expect(uploadUrl.startsWith(`${server.url}/blobs/`), uploadUrl).toBe(true);
  });
});
