import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { expect, it } from 'vitest';
import {
  ARTIFACTS,
  collectConsoleErrors,
  commitText,
  describeStudio,
  openGroup,
  pdfText,
  signUpInStudio,
  uploadInStudio,
  waitSaved,
} from './harness.js';

/**
 * Documents that flow, in the studio: draw a table with the table tool, edit its columns and drag a
 * column divider on the canvas, give a title field a value expression and a condition (checked
 * live on the sample) that repeats on continuation pages, ask for enough sample rows to continue,
 * preview the two pages, download the PDF and read the rows, the header and the title back from
 * both pages.
 */

const ROWS = 14;

async function onePagePdf(): Promise<{ name: string; bytes: Buffer }> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.drawText('PURCHASE ORDER', { x: 50, y: 790, size: 20, font });
  return { name: 'order.pdf', bytes: Buffer.from(await doc.save()) };
}

describeStudio('studio tables end to end', (session) => {
  it('builds a table in the studio, previews its 2-page result and reads both pages back', async () => {
    const { studio, browser, api } = session();
    const page = await browser.context.newPage();
    const consoleErrors = collectConsoleErrors(page);
    try {
      await signUpInStudio(page, studio.url, 'Table Tester', 'e2e-tables');
      await uploadInStudio(page, await onePagePdf(), 60_000);

      const surface = page.getByTestId('page-1');
      const sb = (await surface.boundingBox())!;
      const zoom = sb.width / 595;
      const px = (x: number, y: number) => ({ x: sb.x + x * zoom, y: sb.y + y * zoom });

      // Draw the table's box with the table tool: from (50, 300) to (545, 500) in points.
      await page.getByTestId('palette-table').click();
      const from = px(50, 300);
      const to = px(545, 500);
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      for (let i = 1; i <= 10; i += 1) await page.mouse.move(from.x + ((to.x - from.x) * i) / 10, from.y + ((to.y - from.y) * i) / 10);
      await page.mouse.up();
      const tableEl = page.locator('[data-testid="field"][data-type="table"]');
      await tableEl.waitFor();
      const box = await tableEl.evaluate((el) => {
        const s = (el as HTMLElement).style;
        return { left: parseFloat(s.left), top: parseFloat(s.top), width: parseFloat(s.width), height: parseFloat(s.height) };
      });
      // Grid snapping (5 pt) may move an edge by a few points, no more.
      expect(box.left / zoom).toBeCloseTo(50, -1);
      expect(box.width / zoom).toBeGreaterThan(485);
      expect(box.height / zoom).toBeGreaterThan(190);
      expect(box.height / zoom).toBeLessThan(210);

      // Columns: Item (name) and Amount (amount); the third column removed.
      const props = page.locator('.props');
      await commitText(props, 'Binding key', 'items');
      const columns = props.getByRole('list', { name: 'Columns' }).getByRole('listitem');
      await commitText(columns.nth(0), 'Header', 'Item');
      await commitText(columns.nth(0), 'Row key', 'name');
      await commitText(columns.nth(1), 'Header', 'Amount');
      await commitText(columns.nth(1), 'Row key', 'amount');
      await props.getByRole('button', { name: 'Remove column 3' }).click();
      await expect.poll(() => columns.count()).toBe(2);
      // The canvas shows the new headers; the divider between them is dragged to the right.
      await expect.poll(() => tableEl.getByTestId('table-header-cell').allTextContents()).toEqual(['Item', 'Amount']);
      const divider = tableEl.getByRole('separator', { name: 'Width between Item and Amount' });
      expect(await divider.getAttribute('aria-valuenow')).toBe('75');
      const db = (await divider.boundingBox())!;
      await page.mouse.move(db.x + db.width / 2, db.y + db.height / 2);
      await page.mouse.down();
      for (let i = 1; i <= 6; i += 1) await page.mouse.move(db.x + db.width / 2 + (60 * zoom * i) / 6, db.y + db.height / 2);
      await page.mouse.up();
      await expect.poll(async () => Number(await divider.getAttribute('aria-valuenow'))).toBeGreaterThan(80);
      expect(Number(await columns.nth(0).getByLabel('Width (share)').inputValue())).toBeGreaterThan(3);
      expect(await tableEl.evaluate((el) => parseFloat((el as HTMLElement).style.left))).toBe(box.left);
      // From the keyboard: a focused divider moves by 1 % per arrow key, and the key does not
      // also nudge the (selected) table.
      const dragged = Number(await divider.getAttribute('aria-valuenow'));
      await divider.focus();
      await page.keyboard.press('ArrowRight');
      await expect.poll(async () => Number(await divider.getAttribute('aria-valuenow'))).toBe(dragged + 1);
      expect(await tableEl.evaluate((el) => parseFloat((el as HTMLElement).style.left))).toBe(box.left);
      await waitSaved(page);

      // A title field: a value expression (a parse error shown inline first), a condition, and
      // drawn again on continuation pages.
      await page.getByTestId('palette-text').click();
      await page.mouse.click(px(300, 260).x, px(300, 260).y);
      await page.locator('[data-testid="field"][data-type="text"]').waitFor();
      await commitText(props, 'Binding key', 'title');
      await openGroup(props, 'Calculation and condition');
      const expression = props.getByLabel('Value expression (JSONata)');
      await expression.fill('"Order of " & $string($count(items) & " lines"');
      await expect.poll(() => props.getByTestId('expression-prop').getByRole('alert').textContent()).toMatch(/^Not saved: .*S0203/);
      await expression.fill('"Order of " & $string($count(items)) & " lines"');
      await expect
        .poll(() => props.getByTestId('expression-prop').getByRole('status').textContent())
        .toBe('Sample value: "Order of 3 lines"');
      await expression.press('Enter');
      const condition = props.getByLabel('Show only when (JSONata)');
      await condition.fill('$count(items) > 0');
      await expect.poll(() => props.getByTestId('condition-prop').getByRole('status').textContent()).toBe('Shown for the sample data.');
      await condition.press('Enter');
      await openGroup(props, 'Advanced');
      await props.getByLabel('Repeat on continuation pages').check();
      await waitSaved(page);

      // A page number at the foot, on every page the table makes: placed the keyboard way (the
      // palette item pressed twice puts it mid-page), then moved below the visible area by its Y.
      await page.getByTestId('palette-text').click();
      await page.getByTestId('palette-text').click();
      await expect.poll(() => page.locator('[data-testid="field"][data-type="text"]').count()).toBe(2);
      await commitText(props, 'Y (pt)', '800');
      await openGroup(props, 'Advanced');
      await commitText(props, 'Page number text', 'Page {page} of {pages}');
      await props.getByLabel('Repeat on continuation pages').check();
      await waitSaved(page);
      await page.screenshot({ path: join(ARTIFACTS, 'tables-editor.png') });

      // Preview: the fresh table has example rows; ask for enough to continue on a second page.
      await page.getByRole('tab', { name: 'Preview' }).click();
      const sample = page.getByLabel('Sample data (JSON)');
      expect(JSON.parse(await sample.inputValue()).items).toEqual([
        { name: 'Item 1', amount: 10 },
        { name: 'Item 2', amount: 20 },
        { name: 'Item 3', amount: 30 },
      ]);
      const rows = page.getByLabel('Rows in sample: table1');
      await rows.fill(String(ROWS));
      await rows.press('Enter');
      await expect.poll(async () => JSON.parse(await sample.inputValue()).items.length).toBe(ROWS);
      // The check says where the rows go (laid out by the server, as generation will).
      await page.getByRole('button', { name: 'Check for problems' }).click();
      await expect
        .poll(() => page.getByTestId('preflight-tables').textContent(), { timeout: 60_000 })
        .toMatch(new RegExp(`^table1: ${ROWS} rows: \\d+ in its box, \\d+ continue on 1 added page\\.$`));
      const [response] = await Promise.all([
        page.waitForResponse((res) => res.url().includes('/generate') && res.request().method() === 'POST', { timeout: 120_000 }),
        page.getByRole('button', { name: 'Generate PDF' }).click(),
      ]);
      expect(response.status()).toBe(200);
      const pages = page.getByTestId('preview-pages');
      await expect.poll(() => pages.getAttribute('data-pages'), { timeout: 60_000 }).toBe('2');
      expect(await pages.getByRole('status').textContent()).toBe('2 pages (1 added for rows that continue)');
      // Both pages are drawn: each picture has dark pixels (text, table lines).
      const previews = page.getByTestId('preview-page');
      await expect.poll(() => previews.evaluateAll((els) => els.filter((el) => el.getAttribute('data-drawn')).length)).toBe(2);
      const inked = await previews.evaluateAll((els) =>
        els.map((el) => {
          const c = el.querySelector('canvas')!;
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let dark = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i] < 128 && d[i + 3] > 0) dark += 1;
          return dark;
        }),
      );
      expect(inked.every((n) => n > 50)).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'tables-preview.png') });

      // The PDF as downloaded from the preview, read back page by page.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download PDF' }).click()]);
      const file = join(ARTIFACTS, 'tables.pdf');
      await download.saveAs(file);
      const bytes = new Uint8Array(readFileSync(file));
      writeFileSync(file, bytes);
      const text = await pdfText(bytes);
      const [first, second, ...rest] = text.split('\n');
      expect(rest.join('').trim()).toBe('');
      const rowNumbers = (t: string) => [...t.matchAll(/Item (\d+)/g)].map((m) => Number(m[1]));
      const on1 = rowNumbers(first);
      const on2 = rowNumbers(second);
      expect(on1.length).toBeGreaterThan(3);
      expect(on2.length).toBeGreaterThan(0);
      // Every row once, in order, split across the two pages.
      expect([...on1, ...on2]).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
      // The header repeats at the top of page 2, and so does the title with its computed value.
      for (const t of [first, second]) {
        expect(t).toMatch(/\bItem\b(?! \d)/);
        expect(t).toContain('Amount');
        expect(t).toContain(`Order of ${ROWS} lines`);
      }
      expect(first).toContain('Page 1 of 2');
      expect(second).toContain('Page 2 of 2');
      expect(second).toContain(String(ROWS * 10));
      expect(consoleErrors.filter((e) => !/favicon/.test(e)).join('\n')).toBe('');
    } catch (err) {
      await page.screenshot({ path: join(ARTIFACTS, 'tables-failure.png') }).catch(() => undefined);
      throw new Error(`${String(err)}\n--- server log ---\n${api.log().slice(-4000)}`, { cause: err });
    } finally {
      await page.close();
    }
  });
});
