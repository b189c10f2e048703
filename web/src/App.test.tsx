// @vitest-environment jsdom
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api/client.js';
import { createApi } from './api/endpoints.js';
import { App } from './App.js';

/**
 * The app shell over real HTTP (a small server speaking the contract's shapes, with CORS because
 * jsdom enforces it): sign-in errors in words, the dashboard's list and stats, and an upload whose
 * problem+json error is shown in words.
 */
let server: Server;
let base = '';
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'authorization, content-type, accept');
    res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE');
    if (req.method === 'OPTIONS') return res.writeHead(204).end();
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('latin1')));
    req.on('end', () => {
      const json = (status: number, v: unknown, type = 'application/json') =>
        res.writeHead(status, { 'content-type': type }).end(JSON.stringify(v));
      const url = req.url ?? '';
      if (url === '/api/auth/login') {
        const { password } = JSON.parse(body) as { password: string };
        if (password !== 'right password')
          return json(
            401,
            { status: 401, code: 'invalid_credentials', title: 'Unauthorized', detail: 'The email or password is wrong' },
            'application/problem+json',
          );
        return json(200, {
          user: { id: 'u1', email: 'ada@example.com', name: 'Ada', role: 'user', createdAt: '', profile: null },
          accessToken: 'A1',
          refreshToken: 'R1',
          expiresIn: 900,
        });
      }
      if (req.headers.authorization !== 'Bearer A1') return json(401, { status: 401, code: 'token_expired' }, 'application/problem+json');
      if (url.startsWith('/api/templates/stats')) return json(200, { active: 1, total: 2 });
      if (url.startsWith('/api/files/stats')) return json(200, { totalFiles: 3, totalSize: 2048 });
      if (url.startsWith('/api/templates')) {
        return json(200, {
          items: [
            {
              templateId: 't1',
              userId: 'u1',
              name: 'Invoice',
              dimensions: { width: 595, height: 842 },
              pageCount: 2,
              status: 'active',
              publishedVersion: 3,
              createdAt: '',
              updatedAt: '2026-11-25T10:00:00Z',
            },
          ],
          nextCursor: null,
        });
      }
      if (url === '/api/files' && req.method === 'POST') {
        return json(
          415,
          { status: 415, code: 'pdf_not_pdf', title: 'Unsupported Media Type', detail: 'no %PDF- header' },
          'application/problem+json',
        );
      }
      json(404, { status: 404, code: 'not_found' }, 'application/problem+json');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('App', () => {
  it('signs in (with the error in words first), shows the dashboard, and explains a rejected upload', async () => {
    localStorage.clear();
    window.location.hash = '#/signin';
    const client = new ApiClient(base, localStorage);
    render(<App client={client} api={createApi(client)} />);

    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert', undefined, { timeout: 8000 })).textContent).toBe('Wrong email or password.');

    // The error belongs to the sign-in form: the sign-up form starts without it, and so does sign-in again.
    window.location.hash = '#/signup';
    await screen.findByRole('heading', { name: 'Create your account' });
    expect(screen.queryByRole('alert')).toBeNull();
    window.location.hash = '#/signin';
    await screen.findByRole('heading', { name: 'Sign in' });
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'right password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('link', { name: 'Invoice' }, { timeout: 8000 })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Invoice' }).getAttribute('href')).toBe('#/templates/t1');
    await waitFor(() => expect(screen.getByLabelText('Statistics').textContent).toContain('2.0 KB'), { timeout: 8000 });
    expect(localStorage.getItem('pdfstudio.refreshToken')).toBe('R1');

    const notPdf = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    fireEvent.change(screen.getByLabelText('Upload a PDF'), { target: { files: [notPdf] } });
    await waitFor(
      () => expect(screen.getByRole('alert').textContent).toBe('That file is not a PDF. Choose a .pdf file. (no %PDF- header)'),
      { timeout: 8000 },
    );
    expect(seen).toContain('POST /api/files');
  });

  it('says the session ended when the stored refresh token is refused, instead of signing out silently', async () => {
    localStorage.clear();
    localStorage.setItem('pdfstudio.refreshToken', 'revoked');
    window.location.hash = '#/';
    const client = new ApiClient(base, localStorage);
    render(<App client={client} api={createApi(client)} />);
    expect((await screen.findByTestId('session-ended', undefined, { timeout: 8000 })).textContent).toBe(
      'Your session ended: sign in again.',
    );
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeTruthy();
  });
});
