import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, REFRESH_TOKEN_KEY, type KeyValueStorage } from './client.js';
import { ApiError } from './problem.js';

/**
 * A real HTTP server speaking the contract's auth flow (problem+json errors, rotating refresh
 * tokens, `token_expired`), so the client's refresh-and-retry is exercised over the wire.
 */
let server: Server;
let base = '';
let state: { access: string; refresh: string; refreshCalls: number; expireNext: boolean };

function problem(res: ServerResponse, status: number, code: string, detail: string) {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title: code, status, code, detail, requestId: 'r1' }));
}

async function body(req: IncomingMessage): Promise<Record<string, string>> {
  let s = '';
  for await (const c of req) s += c;
  return s ? (JSON.parse(s) as Record<string, string>) : {};
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      const b = await body(req);
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      const user = { id: 'u1', email: 'a@b.c', name: 'A', role: 'user', createdAt: '', profile: null };
      if (req.url === '/api/auth/login') {
        if (b.password !== 'correct horse') return problem(res, 401, 'invalid_credentials', 'no');
        return json(200, { user, accessToken: state.access, refreshToken: state.refresh, expiresIn: 900 });
      }
      if (req.url === '/api/auth/refresh') {
        state.refreshCalls += 1;
        if (b.refreshToken !== state.refresh) return problem(res, 401, 'refresh_token_reused', 'reused');
        state.access = `access-${state.refreshCalls + 1}`;
        state.refresh = `refresh-${state.refreshCalls + 1}`;
        return json(200, { accessToken: state.access, refreshToken: state.refresh, expiresIn: 900 });
      }
      if (req.url === '/api/auth/me') {
        if (req.headers.authorization !== `Bearer ${state.access}`) return problem(res, 401, 'token_expired', 'expired');
        return json(200, { user });
      }
      if (req.url === '/api/things') {
        if (state.expireNext) {
          state.expireNext = false;
          state.access = 'rotated-away';
        }
        if (req.headers.authorization !== `Bearer ${state.access}`) return problem(res, 401, 'token_expired', 'expired');
        return json(200, { items: [1, 2, 3] });
      }
      if (req.url === '/api/bad') {
        res.writeHead(422, { 'content-type': 'application/problem+json' });
        return res.end(
          JSON.stringify({
            status: 422,
            code: 'payload_invalid',
            title: 'Invalid',
            errors: [{ path: 'customer.name', code: 'required', message: 'is required' }],
          }),
        );
      }
      res.writeHead(404);
      res.end();
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

class MemoryStorage implements KeyValueStorage {
  m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

beforeEach(() => {
  state = { access: 'access-1', refresh: 'refresh-1', refreshCalls: 0, expireNext: false };
});

describe('ApiClient', () => {
  it('keeps the access token in memory and the refresh token in storage', async () => {
    const storage = new MemoryStorage();
    const c = new ApiClient(base, storage);
    await c.login({ email: 'a@b.c', password: 'correct horse' });
    expect(c.token).toBe('access-1');
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-1');
    expect([...storage.m.values()]).not.toContain('access-1');
  });

  it('turns problem+json into an ApiError with words', async () => {
    const c = new ApiClient(base, new MemoryStorage());
    const err = await c.login({ email: 'a@b.c', password: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('invalid_credentials');
    // Said once: the server's detail of this code restates our words, so it is not appended.
    expect((err as ApiError).message).toBe('Wrong email or password.');
    expect((err as ApiError).problem.detail).toBe('no');
    const bad = (await c.request('POST', '/api/bad', { body: {} }).catch((e: unknown) => e)) as ApiError;
    expect(bad.message).toContain('customer.name: is required');
  });

  it('refreshes once on token_expired, shared by concurrent requests, and retries them', async () => {
    const storage = new MemoryStorage();
    const c = new ApiClient(base, storage);
    await c.login({ email: 'a@b.c', password: 'correct horse' });
    state.expireNext = true;
    const results = await Promise.all([
      c.request<{ items: number[] }>('GET', '/api/things'),
      c.request<{ items: number[] }>('GET', '/api/things'),
    ]);
    expect(results.map((r) => r.items.length)).toEqual([3, 3]);
    expect(state.refreshCalls).toBe(1);
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-2');
  });

  it('restores a session after a reload from the stored refresh token', async () => {
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_TOKEN_KEY, 'refresh-1');
    const c = new ApiClient(base, storage);
    const seen: unknown[] = [];
    c.onAuthChange((u) => seen.push(u?.email ?? null));
    const user = await c.restore();
    expect(user?.email).toBe('a@b.c');
    expect(seen).toEqual(['a@b.c']);
  });

  it('signs out when the refresh token is rejected', async () => {
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_TOKEN_KEY, 'stolen-and-reused');
    const c = new ApiClient(base, storage);
    expect(await c.restore()).toBeNull();
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });

  it('reports an unreachable server as a network error', async () => {
    const c = new ApiClient('http://127.0.0.1:1', new MemoryStorage());
    const err = (await c.request('GET', '/health').catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('network_error');
    expect(err.message).toMatch(/Cannot reach the server/);
  });
});
