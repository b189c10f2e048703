import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { expect, it } from 'vitest';
import {
  ARTIFACTS,
  collectConsoleErrors,
  commitText,
  describeStudio,
  pdfText,
  signUpInStudio,
  uploadInStudio,
  waitSaved,
} from './harness.js';

/**
 * A label sheet, in the studio: place a repeating group with its palette tool (its other cells
 * drawn on the page), put a text field bound to labels.name inside its cell, ask for more sample
 * items than one page's grid holds, check where they go, preview the two pages, download the PDF
 * and read every label back, once, across both pages.
 */

/** 2 × 4 cells on the group's page: 12 items continue on one added page. */
const ITEMS = 12;

async function sheetPdf(): Promise<{ name: string; bytes: Buffer }> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.drawText('LABEL SHEET', { x: 50, y: 800, size: 18, font });
  return { name: 'labels.pdf', bytes: Buffer.from(await doc.save()) };
}

describeStudio('studio repeating groups end to end', (session) => {
  it('places a group and a member in its cell, previews 2 pages and reads every label back once', async () => {
    const { studio, browser, api } = session();
    const page = await browser.context.newPage();
    const consoleErrors = collectConsoleErrors(page);
    try {
      await signUpInStudio(page, studio.url, 'Group Tester', 'e2e-groups');
      await uploadInStudio(page, await sheetPdf(), 60_000);

      const surface = page.getByTestId('page-1');
      const sb = (await surface.boundingBox())!;
      const zoom = sb.width / 595;
      const px = (x: number, y: number) => ({ x: sb.x + x * zoom, y: sb.y + y * zoom });

      // The group tool places one cell (180 × 72 pt) with its corner at the click, on the 5 pt grid: at (60, 115).
      await page.getByTestId('palette-group').click();
      await page.mouse.click(px(60, 114).x, px(60, 114).y);
      const groupEl = page.locator('[data-testid="field"][data-group="true"]');
      await groupEl.waitFor();
      const props = page.locator('.props');
      await expect.poll(() => props.getByRole('heading', { level: 2 }).textContent()).toBe('Repeating group field');
      expect(await props.getByLabel('Binding key', { exact: true }).inputValue()).toBe('labels');
      expect(await props.getByLabel('Cells across').inputValue()).toBe('2');
      expect(await props.getByLabel('Cells down').inputValue()).toBe('4');
      expect(await props.getByTestId('group-no-members').textContent()).toMatch(/bind a field to labels\.name/);
      // The other 7 cells of the page's grid are outlined; the last one ends at (430, 433) pt.
      const cells = page.getByTestId('group-cell');
      await expect.poll(() => cells.count()).toBe(7);
      const lastCell = (await cells.nth(6).boundingBox())!;
      expect((lastCell.x + lastCell.width - sb.x) / zoom).toBeCloseTo(430, 0);
      expect((lastCell.y + lastCell.height - sb.y) / zoom).toBeCloseTo(433, 0);
      await waitSaved(page);

      // A text field placed by clicking inside the cell (the armed tool places onto the group), bound to labels.name.
      await page.getByTestId('palette-text').click();
      await page.mouse.click(px(150, 150).x, px(150, 150).y);
      await expect.poll(() => props.getByRole('heading', { level: 2 }).textContent()).toBe('Text field');
      await commitText(props, 'Binding key', 'labels.name');
      await waitSaved(page);
      const text = page.locator('[data-testid="field"][data-type="text"]');
      const inCell = await text.evaluate((el) => {
        const s = (el as HTMLElement).style;
        return { x: parseFloat(s.left), y: parseFloat(s.top), w: parseFloat(s.width), h: parseFloat(s.height) };
      });
      expect(inCell.x / zoom).toBeGreaterThanOrEqual(60);
      expect((inCell.x + inCell.w) / zoom).toBeLessThanOrEqual(240.01);
      expect(inCell.y / zoom).toBeGreaterThanOrEqual(115);
      expect((inCell.y + inCell.h) / zoom).toBeLessThanOrEqual(187.01);
      // The group, selected again (a corner of its cell the text does not cover), lists it as a member.
      await page.mouse.click(px(64, 118).x, px(64, 118).y);
      await expect.poll(() => props.getByRole('heading', { level: 2 }).textContent()).toBe('Repeating group field');
      await expect.poll(() => props.getByRole('list', { name: 'Members' }).textContent()).toBe('name (text1)');
      await page.screenshot({ path: join(ARTIFACTS, 'groups-editor.png') });

      // Preview: the sample has example items keyed by the member (no `labels` object); ask for 12.
      await page.getByRole('tab', { name: 'Preview' }).click();
      const sample = page.getByLabel('Sample data (JSON)');
      expect(JSON.parse(await sample.inputValue())).toEqual({ labels: [{ name: 'name 1' }, { name: 'name 2' }, { name: 'name 3' }] });
      const items = page.getByLabel('Items in sample: labels');
      await items.fill(String(ITEMS));
      await items.press('Enter');
      await expect.poll(async () => JSON.parse(await sample.inputValue()).labels.length).toBe(ITEMS);
      await page.getByRole('button', { name: 'Check for problems' }).click();
      await expect
        .poll(() => page.getByTestId('preflight-groups').textContent(), { timeout: 60_000 })
        .toBe(`labels: ${ITEMS} items: 8 in the cells of its page, ${ITEMS - 8} continue on 1 added page.`);
      expect(await page.getByTestId('preflight-pages').textContent()).toBe('The document will have 2 pages (1 added for what continues).');
      expect(await page.getByTestId('preflight-summary').getAttribute('data-status')).toBe('ok');

      const [response] = await Promise.all([
        page.waitForResponse((res) => res.url().includes('/generate') && res.request().method() === 'POST', { timeout: 120_000 }),
        page.getByRole('button', { name: 'Generate PDF' }).click(),
      ]);
      expect(response.status()).toBe(200);
      const pages = page.getByTestId('preview-pages');
      await expect.poll(() => pages.getAttribute('data-pages'), { timeout: 60_000 }).toBe('2');
      const previews = page.getByTestId('preview-page');
      await expect.poll(() => previews.evaluateAll((els) => els.filter((el) => el.getAttribute('data-drawn')).length)).toBe(2);
      await page.screenshot({ path: join(ARTIFACTS, 'groups-preview.png') });

      // The PDF as downloaded from the preview: labels 1–8 on the sheet, 9–12 on the added page.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download PDF' }).click()]);
      const file = join(ARTIFACTS, 'groups.pdf');
      await download.saveAs(file);
      const textOf = await pdfText(new Uint8Array(readFileSync(file)));
      const [first, second, ...rest] = textOf.split('\n');
      expect(rest.join('').trim()).toBe('');
      const labels = (t: string) => [...t.matchAll(/name (\d+)/g)].map((m) => Number(m[1]));
      expect(labels(first)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(labels(second)).toEqual([9, 10, 11, 12]);
      expect(first).toContain('LABEL SHEET');
      expect(consoleErrors.filter((e) => !/favicon/.test(e)).join('\n')).toBe('');
    } catch (err) {
      await page.screenshot({ path: join(ARTIFACTS, 'groups-failure.png') }).catch(() => undefined);
      throw new Error(`${String(err)}\n--- server log ---\n${api.log().slice(-4000)}`, { cause: err });
    } finally {
      await page.close();
    }
  });
});
