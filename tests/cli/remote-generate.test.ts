import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/shared/config/index.js';
import { startServer, type RunningServer } from '@/runtime/server.js';
import { createPdfStudioClient, type PdfStudioClient } from '../../packages/client/src/index.js';
import { basePdf } from '../api/generate-fixtures.js';
import { pageText } from '../helpers/pdf-readback.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/pdf-studio.mjs');
const run = promisify(execFile);
const RECORDS = 1000;

/**
 * `npx pdf-studio generate --url …` (the package's bin, in its own process) beside a running
 * server: the embedded server holds its database, the CLI goes through the API with a key.
 */
describe('CLI: generate in remote mode beside a running server', () => {
  let dataDir: string;
  let server: RunningServer;
  let studio: PdfStudioClient;
  let apiKey: string;
  let templateId: string;

  async function cli(args: string[], env: Record<string, string> = {}) {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
        cwd: os.tmpdir(), // the bin finds its sources and tsconfig from anywhere
        env: { ...process.env, PDF_STUDIO_API_KEY: apiKey, LOG_LEVEL: 'warn', DATA_DIR: dataDir, DATABASE_URL: '', ...env },
        timeout: 300_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'cli-remote-'));
    const env = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', PUBLIC_URL: '', LOG_LEVEL: 'warn' };
    server = await startServer(loadConfig(env));
    const anonymous = createPdfStudioClient({ baseUrl: server.url });
    const session = await anonymous.unwrap(
      anonymous.api.POST('/api/auth/register', { body: { email: 'cli@example.com', password: 'correct horse battery', name: 'CLI' } }),
    );
    const user = createPdfStudioClient({ baseUrl: server.url, accessToken: session.accessToken });
    apiKey = (await user.unwrap(user.api.POST('/api/api-keys', { body: { name: 'cli' } }))).key;
    studio = createPdfStudioClient({ baseUrl: server.url, apiKey });
    const file = await studio.uploadPdf(await basePdf(), 'invoice.pdf');
    const { template } = await studio.unwrap(studio.api.POST('/api/templates', { body: { fileId: file.id, name: 'Invoice' } }));
    templateId = template.templateId;
    const field = { type: 'text', page: 1, size: { width: 300, height: 24 } } as const;
    for (const [name, bindingKey, y] of [
      ['Customer', 'customer.name', 100],
      ['Number', 'number', 140],
    ] as const) {
      await studio.unwrap(
        studio.api.POST('/api/templates/{id}/fields', {
          params: { path: { id: templateId } },
          body: { ...field, name, bindingKey, position: { x: 72, y } },
        }),
      );
    }
    await studio.unwrap(studio.api.POST('/api/templates/{id}/publish', { params: { path: { id: templateId } } }));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`generates ${RECORDS} records of JSON Lines into a directory through a job, with plain progress lines`, async () => {
    const data = path.join(dataDir, 'records.jsonl');
    const lines = Array.from({ length: RECORDS }, (_, i) => JSON.stringify({ customer: { name: `Zoë ${i + 1}` }, number: `INV-${i + 1}` }));
    await writeFile(data, lines.join('\n') + '\n');
    const out = path.join(dataDir, 'out');
    const started = Date.now();
    const res = await cli(['generate', templateId, '--url', server.url, '--data', data, '--out', out]);
    const seconds = (Date.now() - started) / 1000;
    expect(res, res.stderr).toMatchObject({ code: 0 });
    expect(res.stdout).toContain(`${RECORDS} PDF(s) written to ${out}, 0 failed`);

    const files = (await readdir(out)).sort();
    expect(files).toHaveLength(RECORDS);
    expect(files[0]).toBe('0001.pdf');
    expect(files.at(-1)).toBe('1000.pdf');
    for (const n of [1, 500, 1000]) {
      const text = await pageText(await readFile(path.join(out, `${String(n).padStart(4, '0')}.pdf`)));
      expect(text).toContain(`Zoë ${n}`);
      expect(text).toContain(`INV-${n}`);
    }

    // stderr is not a terminal here: progress comes as plain lines, counting up to the total.
    const progress = res.stderr.split('\n').filter((l) => l.startsWith('generating: '));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toBe(`generating: ${RECORDS}/${RECORDS} (100%), 0 failed`);
    const counts = progress.map((l) => Number(/^generating: (\d+)\//.exec(l)![1]));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    console.log(`remote generate: ${RECORDS} records in ${seconds.toFixed(1)} s\n${progress.join('\n')}`);

    const jobs = await studio.unwrap(studio.api.GET('/api/jobs', { params: { query: { limit: 100 } } }));
    expect(jobs.items.filter((j) => j.templateId === templateId).map((j) => j.total)).toEqual([RECORDS]);
  }, 300_000);

  it('reports a malformed line with its line number and skips it, or stops there with --stop-on-error', async () => {
    const data = path.join(dataDir, 'mixed.jsonl');
    await writeFile(
      data,
      [
        '{"customer":{"name":"Line one"}}',
        '{"customer":',
        '{"customer":{"name":"Line three"}}',
        '[1, 2]',
        '',
        '{"customer":{"name":"Line six"}}',
      ].join('\n'),
    );
    const out = path.join(dataDir, 'mixed');
    const skipped = await cli(['generate', templateId, '--url', server.url, '--data', data, '--out', out, '--job-size', '2']);
    expect(skipped.code).toBe(2);
    expect(skipped.stderr).toContain(`${data}:2: not valid JSON`);
    expect(skipped.stderr).toContain(`${data}:4: not a JSON object, skipped`);
    expect(skipped.stderr).not.toMatch(/^\s+at /m);
    expect(skipped.stdout).toContain('3 PDF(s) written');
    expect(skipped.stdout).toContain('2 malformed line(s) skipped');
    // Files are named by line number, so each one can be traced back to its input.
    expect((await readdir(out)).sort()).toEqual(['1.pdf', '3.pdf', '6.pdf']);
    expect(await pageText(await readFile(path.join(out, '6.pdf')))).toContain('Line six');

    const before = (await studio.unwrap(studio.api.GET('/api/jobs', {}))).total;
    const stopped = await cli([
      'generate',
      templateId,
      '--url',
      server.url,
      '--data',
      data,
      '--out',
      path.join(dataDir, 'stopped'),
      '--stop-on-error',
    ]);
    expect(stopped.code).toBe(2);
    expect(stopped.stderr.trim()).toMatch(
      new RegExp(`^pdf-studio: ${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: not valid JSON .*; stopped`),
    );
    expect(stopped.stderr.trim().split('\n')).toHaveLength(1);
    expect((await studio.unwrap(studio.api.GET('/api/jobs', {}))).total).toBe(before);
  }, 120_000);

  it('the embedded mode beside the server says to use --url, in one line', async () => {
    const data = path.join(dataDir, 'one.jsonl');
    await writeFile(data, '{"customer":{"name":"x"}}\n');
    const res = await cli(['generate', templateId, '--user', 'cli@example.com', '--data', data, '--out', path.join(dataDir, 'emb')]);
    expect(res.code).toBe(1);
    const lines = res.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^pdf-studio: The embedded database at .* is in use by process \d+ .*--url .*PDF_STUDIO_API_KEY/);
    expect(res.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);

  it('refuses remote mode without a key, and a wrong key, in one line each', async () => {
    const data = path.join(dataDir, 'one.jsonl');
    const noKey = await cli(['generate', templateId, '--url', server.url, '--data', data], { PDF_STUDIO_API_KEY: '' });
    expect(noKey).toMatchObject({ code: 2 });
    expect(noKey.stderr.trim()).toMatch(/^pdf-studio: remote mode needs an API key in PDF_STUDIO_API_KEY/);
    const badKey = await cli(['generate', templateId, '--url', server.url, '--data', data, '--out', path.join(dataDir, 'bad')], {
      PDF_STUDIO_API_KEY: 'psk_wrong',
    });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr.trim()).toMatch(/^pdf-studio: the server answered 401 api_key_invalid/);
  });

  // Last: it stops the server, so the CLI can open the embedded database itself.
  it('once the server has stopped, the database mode makes the same records into a directory (or one file)', async () => {
    await server.stop();
    const data = path.join(dataDir, 'stored.jsonl');
    await writeFile(
      data,
      ['{"customer":{"name":"Stored one"}}', 'not json', '{"customer":{"name":"Stored three"},"number":"N-3"}'].join('\n'),
    );
    const out = path.join(dataDir, 'stored');
    const res = await cli(['generate', templateId, '--user', 'cli@example.com', '--data', data, '--out', out]);
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr).toContain(`${data}:2: not valid JSON`);
    expect(res.stdout).toContain(`2 PDF(s) written to ${out}, 0 failed, 1 malformed line(s) skipped`);
    expect((await readdir(out)).sort()).toEqual(['1.pdf', '3.pdf']);
    const third = await pageText(await readFile(path.join(out, '3.pdf')));
    expect(third).toContain('Stored three');
    expect(third).toContain('N-3');
    expect(res.stderr).toMatch(/^generating: 2\/2 \(100%\), 0 failed$/m);

    const one = path.join(dataDir, 'one.json');
    await writeFile(one, JSON.stringify({ customer: { name: 'Just one' } }, null, 2));
    const single = await cli([
      'generate',
      templateId,
      '--user',
      'cli@example.com',
      '--data',
      one,
      '--out',
      path.join(dataDir, 'one.pdf'),
      '--test',
    ]);
    expect(single, single.stderr).toMatchObject({ code: 0 });
    const text = await pageText(await readFile(path.join(dataDir, 'one.pdf')));
    expect(text).toContain('Just one');
    expect(text).toContain('TEST MODE');
  }, 180_000);
});
