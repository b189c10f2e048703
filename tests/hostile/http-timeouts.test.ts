import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, registerUser, type TestApi, type TestUser } from '../helpers/api.js';

/**
 * A client that sends its headers and the start of a multipart upload, then nothing, must not keep
 * its socket: the server answers 408 request_timeout and closes it. On a real listening server,
 * since inject() has no sockets. The timeouts are the server's, not the database's, so PGlite only.
 */

const REQUEST_TIMEOUT_MS = 1000;
/** Generous: the socket only has to close long before it would without a timeout (never). */
const GIVE_UP_MS = 5 * REQUEST_TIMEOUT_MS;

interface Outcome {
  closed: boolean;
  elapsedMs: number;
  response: string;
}

/** Writes `head` and then stalls; resolves when the server closes the socket, or at GIVE_UP_MS. */
function stall(port: number, head: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, elapsedMs: Date.now() - started, response });
    }, GIVE_UP_MS);
    socket.on('data', (chunk) => (response += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ closed: true, elapsedMs: Date.now() - started, response });
    });
    socket.write(head);
  });
}

describe('[pglite] HTTP timeouts on a listening server', () => {
  let api: TestApi;
  let user: TestUser;
  let port: number;

  beforeAll(async () => {
    api = await createTestApi('pglite', {
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_HEADERS_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      // Longer than the give-up bound, so only the request timeout can end the stalled upload.
      HTTP_CONNECTION_TIMEOUT_MS: String(4 * GIVE_UP_MS),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '700',
    });
    user = await registerUser(api.app, 'timeouts');
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    const address = api.app.server.address();
    if (!address || typeof address !== 'object') throw new Error('no port');
    port = address.port;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('applies the configured timeouts to the server', () => {
    const server = api.app.server;
    expect(server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(server.headersTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(server.keepAliveTimeout).toBe(700);
    expect(server.timeout).toBe(4 * GIVE_UP_MS);
  });

  it('answers a multipart upload that stalls half-way with 408 request_timeout and closes it', async () => {
    const boundary = 'stalledboundary';
    const partial =
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.pdf"\r\n` +
      `Content-Type: application/pdf\r\n\r\n%PDF-1.7\n`;
    const head =
      `POST /api/files HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${user.headers.authorization}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 1000000\r\n\r\n${partial}`;
    const outcome = await stall(port, head);
    expect(outcome.closed, `socket still open after ${outcome.elapsedMs} ms`).toBe(true);
    expect(outcome.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(outcome.response).toContain('application/problem+json');
    const body = JSON.parse(outcome.response.slice(outcome.response.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ status: 408, code: 'request_timeout' });
  });

  it('closes a connection that sends only part of its headers', async () => {
    const outcome = await stall(port, `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
    expect(outcome.closed, `socket still open after ${outcome.elapsedMs} ms`).toBe(true);
    expect(outcome.response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('still answers /health and lists no upload from the stalled request', async () => {
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    const files = await api.app.inject({ method: 'GET', url: '/api/files', headers: user.headers });
    expect(files.statusCode).toBe(200);
    expect(files.json().items).toHaveLength(0);
  });
});
