import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { ARTIFACTS, describeStudio, pdfText, ROOT, type StudioSession, uploadInStudio } from './harness.js';

/**
 * The studio end to end, in headless Chromium against the real server: sign up, upload a real PDF,
 * place three fields of different types, drag one and resize another, reload and find them where
 * they were, fill preview data, generate, and read the generated PDF's text back.
 */

const CORPUS_PDF = join(ROOT, '../shared/corpus/pdf-lib/normal.pdf');

async function basePdf(): Promise<{ name: string; bytes: Buffer }> {
  if (existsSync(CORPUS_PDF)) return { name: 'normal.pdf', bytes: readFileSync(CORPUS_PDF) };
  // A clone without the shared corpus still runs: a real two-page invoice made with pdf-lib.
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const title of ['INVOICE', 'TERMS']) {
    const page = doc.addPage([595, 842]);
    page.drawText(title, { x: 50, y: 780, size: 24, font });
    page.drawText('Customer:', { x: 50, y: 700, size: 12, font });
    page.drawText('Date:', { x: 50, y: 660, size: 12, font });
  }
  return { name: 'invoice.pdf', bytes: Buffer.from(await doc.save()) };
}

interface Box {
  name: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Field boxes as the editor draws them (CSS px at the current zoom), by name. */
async function fieldBoxes(page: Page): Promise<Box[]> {
  return page.$$eval('[data-testid="field"]', (els) =>
    els.map((el) => {
      const s = (el as HTMLElement).style;
      return {
        name: el.getAttribute('data-name') ?? '',
        left: parseFloat(s.left),
        top: parseFloat(s.top),
        width: parseFloat(s.width),
        height: parseFloat(s.height),
      };
    }),
  );
}

async function center(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const b = await page.locator(selector).boundingBox();
  if (!b) throw new Error(`${selector} is not visible`);
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

async function drag(page: Page, from: { x: number; y: number }, by: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i += 1) await page.mouse.move(from.x + (by.x * i) / 8, from.y + (by.y * i) / 8);
  await page.mouse.up();
}

async function waitSaved(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="save-state"][data-status="saved"]', { timeout: 30_000 });
}

describeStudio('studio end to end', (session) => {
  let api: StudioSession['api'] | undefined;
  let studio: StudioSession['studio'] | undefined;
  let browser: StudioSession['browser'] | undefined;
  /** The editor of the template the first test made (the batch test runs on it). */
  let editorUrl: string | undefined;

  beforeAll(() => {
    ({ api, studio, browser } = session());
  });

  it('signs up, uploads, places/drags/resizes fields that survive a reload, and generates a PDF with the values', async () => {
    const page = await browser!.context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${m.text()} (${m.location().url})`));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    try {
      // Sign up.
      await page.goto(`${studio!.url}/#/signup`);
      await page.getByLabel('Name').fill('E2E Tester');
      await page.getByLabel('Email').fill(`e2e-${Date.now()}@example.com`);
      await page.getByLabel('Password').fill('correct horse battery');
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.getByRole('heading', { name: 'Templates' }).waitFor();

      // Upload a real PDF with the file picker; the editor opens on the new template.
      const pdf = await basePdf();
      // Either the editor opens or the studio shows the API's error: fail fast with its words.
      await uploadInStudio(page, pdf, 60_000);
      editorUrl = page.url();
      // The page is drawn: the canvas has non-white pixels.
      await page.waitForFunction(
        () => {
          const c = document.querySelector('.page-canvas') as HTMLCanvasElement | null;
          if (!c || c.width === 0) return false;
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          for (let i = 0; i < d.length; i += 4 * 97) if (d[i] < 200) return true;
          return false;
        },
        null,
        { timeout: 30_000 },
      );

      // Place three fields of different types: armed palette item + click on the page.
      const surface = page.getByTestId('page-1');
      const sb = (await surface.boundingBox())!;
      const place = async (type: string, fx: number, fy: number) => {
        await page.getByTestId(`palette-${type}`).click();
        await page.mouse.click(sb.x + sb.width * fx, sb.y + sb.height * fy);
      };
      await place('text', 0.4, 0.2);
      await place('date', 0.4, 0.3);
      await place('checkbox', 0.4, 0.4);
      await expect.poll(async () => (await fieldBoxes(page)).map((b) => b.name).sort()).toEqual(['checkbox1', 'date1', 'text1']);

      // Bind them through the property panel.
      const bind = async (name: string, key: string) => {
        await page.locator(`[data-testid="field"][data-name="${name}"]`).click();
        const input = page.getByLabel('Binding key');
        await input.fill(key);
        await input.press('Enter');
      };
      await bind('text1', 'customer.name');
      await bind('date1', 'invoice.date');
      await bind('checkbox1', 'paid');
      await waitSaved(page);

      // Drag the text field; resize the date field by its bottom-right handle.
      const before = await fieldBoxes(page);
      const text0 = before.find((b) => b.name === 'text1')!;
      const date0 = before.find((b) => b.name === 'date1')!;
      await drag(page, await center(page, '[data-testid="field"][data-name="text1"]'), { x: 90, y: 60 });
      await page.locator('[data-testid="field"][data-name="date1"]').click();
      await drag(page, await center(page, '[data-testid="field"][data-name="date1"] [data-handle="se"]'), { x: 70, y: 14 });
      const after = await fieldBoxes(page);
      const text1 = after.find((b) => b.name === 'text1')!;
      const date1 = after.find((b) => b.name === 'date1')!;
      expect(text1.left - text0.left).toBeGreaterThan(70);
      expect(text1.top - text0.top).toBeGreaterThan(40);
      expect(date1.width - date0.width).toBeGreaterThan(50);
      expect(date1.height - date0.height).toBeGreaterThan(5);
      expect(date1.left).toBe(date0.left);
      // Keyboard: Shift+ArrowDown nudges 10 pt; Ctrl+Z undoes it.
      await page.locator('[data-testid="field"][data-name="text1"]').click();
      await page.keyboard.press('Shift+ArrowDown');
      const nudged = (await fieldBoxes(page)).find((b) => b.name === 'text1')!;
      const zoom = Number((await page.getByLabel('Zoom', { exact: true }).inputValue()) || '1');
      expect(nudged.top - text1.top).toBeCloseTo(10 * zoom, 0);
      await page.keyboard.press('Control+z');
      expect((await fieldBoxes(page)).find((b) => b.name === 'text1')!.top).toBeCloseTo(text1.top, 1);

      // A fourth field dragged from the palette onto the page.
      await page.getByTestId('palette-number').dragTo(surface, { targetPosition: { x: sb.width * 0.3, y: sb.height * 0.6 } });
      await expect.poll(async () => (await fieldBoxes(page)).map((b) => b.name).sort()).toEqual(['checkbox1', 'date1', 'number1', 'text1']);
      await waitSaved(page);
      await page.screenshot({ path: join(ARTIFACTS, 'editor-placed.png') });

      // Reload: the fields come back from the server where they were left.
      const beforeReload = await fieldBoxes(page);
      await page.reload();
      await page.waitForSelector('[data-testid="field"][data-name="text1"]', { timeout: 60_000 });
      const reloaded = await fieldBoxes(page);
      const byName = (bs: Box[]) => Object.fromEntries(bs.map((b) => [b.name, b]));
      const r = byName(reloaded);
      const a = byName(beforeReload);
      for (const name of ['text1', 'date1', 'checkbox1', 'number1']) {
        for (const k of ['left', 'top', 'width', 'height'] as const) expect(r[name][k]).toBeCloseTo(a[name][k], 0);
      }

      // Preview: sample data, then generate and read the PDF back.
      await page.getByRole('tab', { name: 'Preview' }).click();
      const sample = page.getByLabel('Sample data (JSON)');
      expect(JSON.parse(await sample.inputValue())).toHaveProperty('customer.name');
      await sample.fill(JSON.stringify({ customer: { name: 'Ada Lovelace' }, invoice: { date: '2026-11-25' }, paid: true }, null, 2));
      const [response] = await Promise.all([
        page.waitForResponse((res) => res.url().includes('/generate') && res.request().method() === 'POST', { timeout: 120_000 }),
        page.getByRole('button', { name: 'Generate PDF' }).click(),
      ]);
      expect(response.status()).toBe(200);
      expect(response.headers()['content-type']).toContain('application/pdf');
      await page.getByTestId('generated-pdf').waitFor();
      // The bytes the user sees: read back the blob URL shown in the viewer.
      const b64 = await page.getByTestId('generated-pdf').evaluate(async (el) => {
        const buf = new Uint8Array(await (await fetch((el as HTMLIFrameElement).src)).arrayBuffer());
        let bin = '';
        for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000));
        return btoa(bin);
      });
      const bytes = Buffer.from(b64, 'base64');
      writeFileSync(join(ARTIFACTS, 'generated.pdf'), bytes);
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = await pdfText(new Uint8Array(bytes));
      expect(text).toContain('Ada Lovelace');
      expect(text).toContain('2026-11-25');
      await page.screenshot({ path: join(ARTIFACTS, 'editor-preview.png') });
      await page.getByRole('tab', { name: 'Properties' }).click();
      await page.locator('[data-testid="field"][data-name="text1"]').click();
      await page.screenshot({ path: join(ARTIFACTS, 'editor.png') });
      expect(consoleErrors.filter((e) => !/favicon/.test(e)).join('\n')).toBe('');
    } catch (err) {
      await page.screenshot({ path: join(ARTIFACTS, 'editor-failure.png') }).catch(() => undefined);
      throw new Error(`${String(err)}\n--- server log ---\n${api?.log().slice(-4000) ?? ''}`, { cause: err });
    } finally {
      await page.close();
    }
  });

  it('starts a 3-record batch job from the editor and sees it complete on the jobs page', async () => {
    if (!editorUrl) throw new Error('the first test did not create a template');
    // Same browser context: the session (refresh token in localStorage) carries over.
    const page = await browser!.context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${m.text()} (${m.location().url})`));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    try {
      await page.goto(editorUrl);
      await page.waitForSelector('[data-testid="field"][data-name="text1"]', { timeout: 60_000 });
      await page.getByRole('tab', { name: 'Batch' }).click();
      const names = ['Batch Ada', 'Batch Grace', 'Batch Edsger'];
      const csv = [
        'customer.name,invoice.date,paid',
        ...names.map((n, i) => `${n},2026-0${i + 1}-15,${i % 2 === 0 ? 'true' : 'false'}`),
      ].join('\n');
      await page.getByLabel(/^Records/).fill(csv);
      await page.getByText('3 record(s) read as CSV.').waitFor();
      await page.getByLabel('Output').selectOption('merged');
      await page.screenshot({ path: join(ARTIFACTS, 'editor-batch.png') });
      // The API's validation problem comes back in words, naming the input.
      const webhook = page.getByLabel('Webhook URL (optional)');
      await webhook.fill('not a url');
      await page.getByRole('button', { name: 'Start job (3 records)' }).click();
      await expect.poll(() => page.locator('.batch [role="alert"]').textContent(), { timeout: 30_000 }).toMatch(/Webhook URL: /);
      await webhook.fill('');
      await page.getByRole('button', { name: 'Start job (3 records)' }).click();
      await page.waitForFunction(() => /^#\/jobs\/[^/]+$/.test(location.hash), null, { timeout: 60_000 });
      const detail = page.getByTestId('job-detail');
      // Polled every 2 s; generous for a slow 2-core CI machine.
      await detail.locator('.badge.completed').waitFor({ timeout: 180_000 });
      await expect.poll(() => detail.getByRole('status').textContent()).toContain('3 done of 3');
      const link = detail.getByRole('link', { name: 'Download the result (merged)' });
      await link.waitFor({ timeout: 30_000 });
      const href = new URL((await link.getAttribute('href'))!, page.url()).toString();
      const res = await fetch(href);
      expect(res.status).toBe(200);
      const bytes = new Uint8Array(await res.arrayBuffer());
      writeFileSync(join(ARTIFACTS, 'batch-merged.pdf'), bytes);
      const text = await pdfText(bytes);
      for (const n of names) expect(text).toContain(n);
      // The jobs list shows it too, finished, with no Cancel.
      const row = page.getByRole('row').filter({ hasText: 'completed' }).first();
      await row.waitFor({ timeout: 30_000 });
      expect(await row.getByRole('button', { name: /^Cancel job/ }).count()).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, 'jobs.png') });
      // The one 400 we caused on purpose (the bad webhook URL) is logged by the browser; nothing else may be.
      const expected400 = (e: string) => /status of 400/.test(e) && /\/api\/templates\/[^/]+\/jobs\)?$/.test(e);
      expect(consoleErrors.filter((e) => !/favicon/.test(e) && !expected400(e)).join('\n')).toBe('');
    } catch (err) {
      await page.screenshot({ path: join(ARTIFACTS, 'jobs-failure.png') }).catch(() => undefined);
      throw new Error(`${String(err)}\n--- server log ---\n${api?.log().slice(-4000) ?? ''}`, { cause: err });
    } finally {
      await page.close();
    }
  });
});
