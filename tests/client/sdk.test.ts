import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/shared/config/index.js';
import { startServer, type RunningServer } from '@/runtime/server.js';
import { createPdfStudioClient, PdfStudioError } from '../../packages/client/src/index.js';
import { runQuickstartAndCheck } from '../helpers/quickstart.js';

const PACKAGE = path.resolve(import.meta.dirname, '../../packages/client');

/** The SDK's README example, run as written against the real embedded server on a free port. */
describe('the client SDK against a running server', () => {
  let dataDir: string;
  let server: RunningServer;
  let apiKey: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sdk-'));
    const env = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', PUBLIC_URL: '', LOG_LEVEL: 'warn' };
    server = await startServer(loadConfig(env));
    const anonymous = createPdfStudioClient({ baseUrl: server.url });
    const session = await anonymous.unwrap(
      anonymous.api.POST('/api/auth/register', { body: { email: 'sdk@example.com', password: 'correct horse battery', name: 'SDK' } }),
    );
    const user = createPdfStudioClient({ baseUrl: server.url, accessToken: session.accessToken });
    apiKey = (await user.unwrap(user.api.POST('/api/api-keys', { body: { name: 'sdk-test' } }))).key;
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs the README example: upload, template, field, publish, generate, a job with progress', async () => {
    await runQuickstartAndCheck(server.url, apiKey);
  }, 120_000);

  it("turns the API's problems into PdfStudioError with the machine-readable code", async () => {
    const studio = createPdfStudioClient({ baseUrl: server.url, apiKey });
    const unknown = studio.unwrap(studio.api.GET('/api/jobs/{id}', { params: { path: { id: 'no-such-job' } } }));
    await expect(unknown).rejects.toBeInstanceOf(PdfStudioError);
    await expect(unknown).rejects.toMatchObject({ status: 404, code: 'not_found' });

    const stranger = createPdfStudioClient({ baseUrl: server.url, apiKey: 'psk_not-a-key' });
    await expect(stranger.unwrap(stranger.api.GET('/api/templates', {}))).rejects.toMatchObject({ status: 401 });

    const invalid = studio.unwrap(studio.api.POST('/api/templates', { body: { fileId: 'missing', name: '' } }));
    await expect(invalid).rejects.toMatchObject({ status: 400, code: 'validation_failed' });
    const error = (await invalid.catch((e: unknown) => e)) as PdfStudioError;
    expect(error.problem.errors?.map((e) => e.path)).toContain('body.name');

    await expect(studio.uploadPdf(new TextEncoder().encode('not a pdf at all'), 'x.pdf')).rejects.toMatchObject({ status: 415 });
  });

  it('shows the example in its README as it is run here', async () => {
    const readme = await readFile(path.join(PACKAGE, 'README.md'), 'utf8');
    const example = await readFile(path.join(PACKAGE, 'examples/quickstart.ts'), 'utf8');
    expect(readme).toContain('```ts\n' + example.replace("from '../src/index.js'", "from '@pdf-studio/client'") + '```');
  });
});
