import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  collectConsoleErrors,
  commitText,
  pdfText,
  ROOT,
  startStudioSession,
  uploadInStudio,
  waitSaved,
  type StudioSession,
} from './harness.js';

/**
 * Replacing a template's base PDF with a revised PDF in the studio, against the real server: the
 * review lists every field and flags the one whose form field moved to another page, nothing
 * changes until it is confirmed, and then the draft prints on the revision with every field kept.
 */

const ARTIFACTS = join(ROOT, 'test-artifacts');
const PASSWORD = 'correct horse battery';

/** A 2-page A4 contract with form fields; `totalOnPage` is where the revision moved `total` to. */
async function contract(title: string, totalOnPage: number): Promise<{ name: string; bytes: Buffer }> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= 2; i += 1) doc.addPage([595, 842]).drawText(`${title} page ${i}`, { x: 50, y: 800, size: 16, font });
  const form = doc.getForm();
  form.createTextField('customer').addToPage(doc.getPage(0), { x: 100, y: 700, width: 220, height: 24 });
  form.createTextField('total').addToPage(doc.getPage(totalOnPage - 1), { x: 300, y: 400, width: 150, height: 24 });
  return { name: `${title.toLowerCase().replace(/\s+/g, '-')}.pdf`, bytes: Buffer.from(await doc.save()) };
}

async function axeSerious(page: Page): Promise<string[]> {
  const { readFileSync } = await import('node:fs');
  await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const found = await page.evaluate(async () => {
    type V = { id: string; impact: string | null; nodes: { target: string[] }[] };
    const axe = (window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: V[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      at: v.nodes[0]?.target.join(' '),
    }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id} at ${v.at}`);
}

const browserReady = existsSync(CHROMIUM);
(browserReady ? describe : describe.skip)(
  `studio: replacing the base PDF${browserReady ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`,
  () => {
    let session: StudioSession | undefined;

    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      session = await startStudioSession();
    });

    afterAll(async () => session?.stop());

    it('reviews a revised PDF (one field flagged as moved to page 2), replaces it, and keeps every field', async () => {
      const { studio, browser, api } = session!;
      const page = await browser.context.newPage();
      const consoleErrors = collectConsoleErrors(page);
      try {
        const email = `e2e-replace-${Date.now()}@example.com`;
        await page.goto(`${studio.url}/#/signup`);
        await page.getByLabel('Name').fill('Reviser');
        await page.getByLabel('Email').fill(email);
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign up' }).click();
        await page.getByRole('heading', { name: 'Templates' }).waitFor();
        const templateId = await uploadInStudio(page, await contract('Contract', 1), 60_000);

        // Both pages in one scrolling column; a thumbnail scrolls to its page, the palette stays put.
        await page.getByTestId('page-2').waitFor();
        const paletteTop = (await page.getByTestId('palette-text').boundingBox())!.y;
        await page.getByRole('button', { name: /^Page 2, / }).click();
        await expect
          .poll(async () => (await page.getByRole('button', { name: /^Page 2, / }).getAttribute('aria-current')) ?? '')
          .toBe('page');
        const scrollerBox = (await page.locator('.canvas-scroll').boundingBox())!;
        await expect.poll(async () => Math.abs((await page.getByTestId('page-2').boundingBox())!.y - scrollerBox.y)).toBeLessThan(40);
        expect((await page.getByTestId('palette-text').boundingBox())!.y).toBe(paletteTop);
        await page.getByRole('button', { name: /^Page 1, / }).click();

        // Two fields from the form, one placed by hand (matched by position).
        await page.getByRole('button', { name: 'Import form fields' }).click();
        await expect.poll(() => page.locator('[data-testid="page-1"] [data-testid="field"]').count(), { timeout: 60_000 }).toBe(2);
        await page.locator('#zoom-select').selectOption('1');
        const sb = (await page.getByTestId('page-1').boundingBox())!;
        await page.getByTestId('palette-text').click();
        await page.mouse.click(sb.x + 100, sb.y + 500);
        await commitText(page.locator('.props'), 'Binding key', 'note');
        await waitSaved(page);
        await page.getByRole('button', { name: 'Publish version' }).click();
        await page.getByRole('button', { name: 'Publish as v1' }).click();
        const draftState = page.getByTestId('draft-state');
        await expect.poll(() => draftState.getAttribute('data-status'), { timeout: 60_000 }).toBe('live');

        // The revision moved `total` to page 2: the review says so before anything changes.
        await page.getByText('Template', { exact: true }).click();
        const rev2 = await contract('Contract rev 2', 2);
        await page.getByLabel('New revision (PDF)').setInputFiles({ name: rev2.name, buffer: rev2.bytes, mimeType: 'application/pdf' });
        const review = page.getByTestId('replace-review');
        await review.waitFor({ timeout: 60_000 });
        const rows = review.getByTestId('replace-field');
        await expect.poll(() => rows.count()).toBe(3);
        const statusOf = async (name: string) =>
          review.locator(`[data-testid="replace-field"][data-name="${name}"]`).getAttribute('data-status');
        expect(await statusOf('total')).toBe('moved_page');
        expect(await statusOf('customer')).toBe('kept');
        expect(await statusOf('text1')).toBe('kept');
        // The flagged field comes first, with the reason in words.
        expect(await rows.first().getAttribute('data-name')).toBe('total');
        expect(await rows.first().textContent()).toContain('is on page 2 of the new PDF (was page 1)');
        expect(await review.getByTestId('replace-summary').textContent()).toBe(
          'contract-rev-2.pdf: 2 pages (now 2). 2 fields kept in place, 1 moved to another page.',
        );
        await page.screenshot({ path: join(ARTIFACTS, 'replace-pdf-review.png') });
        expect(await axeSerious(page), 'the review dialog').toEqual([]);

        await review.getByRole('button', { name: 'Replace the PDF' }).click();
        await expect
          .poll(() => page.locator('.editor-head > .notice').textContent(), { timeout: 60_000 })
          .toContain('The PDF was replaced');
        await expect.poll(() => page.locator('[data-testid="page-1"] [data-testid="field"]').count(), { timeout: 60_000 }).toBe(2);
        // v1 still prints on the old PDF: the badge says the draft's PDF is new.
        await expect.poll(() => draftState.textContent()).toBe('Draft — changes not published (v1 is live): new PDF, 1 moved');
        await expect.poll(() => page.locator('[data-testid="page-2"] [data-testid="field"][data-name="total"]').count()).toBe(1);

        // The draft prints on the revision with all three values.
        const login = await fetch(`${api.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: PASSWORD }),
        });
        const { accessToken } = (await login.json()) as { accessToken: string };
        const gen = await fetch(`${api.url}/api/templates/${templateId}/generate`, {
          method: 'POST',
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/pdf' },
          body: JSON.stringify({ data: { customer: 'Ada Lovelace', total: '42.00', note: 'Signed' }, version: 'draft' }),
        });
        expect(gen.status).toBe(200);
        const [first, second] = (await pdfText(new Uint8Array(await gen.arrayBuffer()))).split('\n');
        expect(first).toContain('Contract rev 2 page 1');
        expect(first).toContain('Ada Lovelace');
        expect(first).toContain('Signed');
        expect(second).toContain('Contract rev 2 page 2');
        expect(second).toContain('42.00');
        expect(consoleErrors.filter((e) => !/favicon/.test(e)).join('\n')).toBe('');
      } catch (err) {
        await page.screenshot({ path: join(ARTIFACTS, 'replace-failure.png') }).catch(() => undefined);
        throw new Error(`${String(err)}\n--- server log ---\n${api.log().slice(-4000)}`, { cause: err });
      } finally {
        await page.close();
      }
    });
  },
);
