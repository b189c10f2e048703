import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { loadPdfJs } from '../helpers/pdfjs.js';
import { eventually, GiveUp } from '../helpers/eventually.js';

/**
 * What the studio's end-to-end tests need: the real server (child process `tsx src/cli/index.ts
 * serve` on a free port with a temporary DATA_DIR), the built studio (served by the server at `/`,
 * or by `vite preview` proxying /api to it while the server does not serve it yet), and Debian's
 * Chromium driven by playwright-core.
 */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots and generated PDFs of the browser tests, kept for a look after a failure. */
export const ARTIFACTS = join(ROOT, 'test-artifacts');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once `url` answers below 500; gives up at once if `proc` exits first. */
async function untilAnswering(url: string, ms: number, proc?: ChildProcess, log?: () => string): Promise<void> {
  await eventually(
    async () => {
      if (proc && proc.exitCode !== null)
        throw new GiveUp(`process exited with ${proc.exitCode} before ${url} answered:\n${log?.() ?? ''}`);
      // Bounded: a server that accepts the connection but never answers must not hang the probe
      // past its deadline (it then fails with the log instead of at the hook timeout).
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch((err: unknown) => {
        throw new Error(`${String(err)}:\n${log?.() ?? ''}`, { cause: err });
      });
      if (res.status >= 500) throw new Error(`HTTP ${res.status}:\n${log?.() ?? ''}`);
    },
    { timeoutMs: ms, intervalMs: 300, what: `${url} to answer` },
  );
}

export interface Running {
  url: string;
  stop(): Promise<void>;
}

function stopProcess(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    p.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    p.kill('SIGTERM');
  });
}

function spawnLogged(cmd: string, args: string[], env: NodeJS.ProcessEnv): { proc: ChildProcess; log: () => string } {
  const chunks: string[] = [];
  const proc = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => {
    chunks.push(b.toString());
    if (chunks.length > 200) chunks.splice(0, chunks.length - 200);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return { proc, log: () => chunks.join('') };
}

/** The API: E2E_API_URL if given (a server already running), else a fresh one. */
export async function startApi(): Promise<Running & { log: () => string }> {
  if (process.env.E2E_API_URL) {
    const url = process.env.E2E_API_URL.replace(/\/$/, '');
    await untilAnswering(`${url}/health`, 30_000);
    return { url, log: () => '', stop: async () => undefined };
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'pdf-studio-e2e-'));
  const { proc, log } = spawnLogged(join(ROOT, 'node_modules/.bin/tsx'), ['src/cli/index.ts', 'serve'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    STAGE: 'dev',
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await untilAnswering(`${url}/health`, 180_000, proc, log);
  } catch (err) {
    await stopProcess(proc);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    log,
    stop: async () => {
      await stopProcess(proc);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Builds the studio into web/dist (unless E2E_SKIP_BUILD=1 and a build exists). */
export function buildStudio(): void {
  if (process.env.E2E_SKIP_BUILD === '1' && existsSync(join(ROOT, 'web/dist/index.html'))) return;
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  if (r.status !== 0) throw new Error(`studio build failed:\n${r.stdout}\n${r.stderr}`);
}

/** Where the studio is: the API itself when it serves it at `/`, else `vite preview` proxying to the API. */
export async function startStudio(apiUrl: string): Promise<Running> {
  const res = await fetch(`${apiUrl}/`).catch(() => null);
  const html = res && res.ok ? await res.text() : '';
  if (html.includes('<div id="root">')) return { url: apiUrl, stop: async () => undefined };
  const port = await freePort();
  const { proc, log } = spawnLogged(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'preview', '--config', 'web/vite.config.ts', '--port', String(port), '--strictPort'],
    {
      STUDIO_API_URL: apiUrl,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await untilAnswering(url, 60_000, proc, log);
  return { url, stop: () => stopProcess(proc) };
}

/** Debian's Chromium, headless, with a fresh profile directory (removed by `close`). */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'pdf-studio-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Text of every page of a PDF, with pdf.js in Node (items joined by spaces, pages by newlines). */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const { getDocument } = await loadPdfJs();
  const doc = await getDocument({
    data: bytes,
    useSystemFonts: false,
    standardFontDataUrl: join(ROOT, 'node_modules/pdfjs-dist/standard_fonts/'),
  }).promise;
  let out = '';
  for (let i = 1; i <= doc.numPages; i += 1) {
    const content = await (await doc.getPage(i)).getTextContent();
    out += content.items.map((it) => ('str' in it ? it.str : '')).join(' ') + '\n';
  }
  await doc.loadingTask.destroy();
  return out;
}

export interface StudioSession {
  api: Running & { log: () => string };
  studio: Running;
  browser: Awaited<ReturnType<typeof launchBrowser>>;
  /** Closes the browser, then the studio, then the API. */
  stop(): Promise<void>;
}

/** What each browser test file runs against: the built studio, the real API and Chromium. */
export async function startStudioSession(): Promise<StudioSession> {
  buildStudio();
  const api = await startApi();
  let studio: Running | undefined;
  try {
    studio = await startStudio(api.url);
    const browser = await launchBrowser();
    const s = studio;
    return {
      api,
      studio,
      browser,
      stop: async () => {
        await browser.close();
        await s.stop();
        await api.stop();
      },
    };
  } catch (err) {
    await studio?.stop();
    await api.stop();
    throw err;
  }
}

/**
 * A browser test file's describe block with its session: started before the first test, stopped
 * after the last, `session()` inside the tests. Outside CI a machine without Debian's chromium skips
 * with the reason; in CI (.ci/run installs it) tests/environment.test.ts fails instead, so the
 * browser tests can never be skipped silently there.
 */
export function describeStudio(title: string, fn: (session: () => StudioSession) => void): void {
  const browserReady = existsSync(CHROMIUM);
  (browserReady ? describe : describe.skip)(
    `${title}${browserReady ? '' : ` (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium)`}`,
    () => {
      let session: StudioSession | undefined;
      beforeAll(async () => {
        mkdirSync(ARTIFACTS, { recursive: true });
        session = await startStudioSession();
      });
      afterAll(async () => session?.stop());
      fn(() => {
        if (!session) throw new Error('studio session not started');
        return session;
      });
    },
  );
}

/**
 * Uploads a PDF with the studio's file picker and waits for the editor of the new template, failing
 * at once with the studio's own words if it shows an error instead. Returns the template id.
 */
export async function uploadInStudio(page: Page, file: { name: string; bytes: Buffer }, timeoutMs: number): Promise<string> {
  await page.getByLabel('Upload a PDF').setInputFiles({ name: file.name, mimeType: 'application/pdf', buffer: file.bytes });
  const opened = page.waitForFunction(() => location.hash.startsWith('#/templates/'), null, { timeout: timeoutMs });
  const failed = page
    .locator('.dropzone [role="alert"]')
    .waitFor({ timeout: timeoutMs })
    .then(async () => {
      throw new Error(`upload/template creation failed in the studio: ${await page.locator('.dropzone [role="alert"]').textContent()}`);
    });
  await Promise.race([opened, failed]);
  failed.catch(() => undefined);
  await page.waitForSelector('[data-testid="page-1"]', { timeout: 60_000 });
  return decodeURIComponent(/#\/templates\/([^/?]+)/.exec(page.url())![1]);
}

/** Waits until the editor says every change is saved. */
export async function waitSaved(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="save-state"][data-status="saved"]', { timeout: 30_000 });
}

/**
 * Opens a property-panel group (a details element) unless it is open already: the studio keeps a
 * group's open state across fields, so a second click would close it.
 */
export async function openGroup(scope: ReturnType<Page['locator']>, title: string): Promise<void> {
  const summary = scope.locator('summary', { hasText: title }).first();
  const open = await summary.evaluate((el) => (el.parentElement as HTMLDetailsElement | null)?.open ?? false);
  if (!open) await summary.click();
}

/** Types a value into a labelled text input of `scope` and commits it with Enter. */
export async function commitText(scope: ReturnType<Page['locator']>, label: string, value: string): Promise<void> {
  const input = scope.getByLabel(label, { exact: true });
  await input.fill(value);
  await input.press('Enter');
}

/** Console errors and uncaught exceptions of the page, collected for a test to assert none. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} (${m.location().url})`));
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** Signs a new account up through the studio's form and waits for the templates page. */
export async function signUpInStudio(page: Page, studioUrl: string, name: string, emailPrefix: string): Promise<void> {
  await page.goto(`${studioUrl}/#/signup`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(`${emailPrefix}-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { name: 'Templates' }).waitFor();
}
