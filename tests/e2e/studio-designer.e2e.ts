import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { ARTIFACTS, collectConsoleErrors, commitText, describeStudio, signUpInStudio, uploadInStudio, waitSaved } from './harness.js';

/**
 * What a document designer relies on, in Chromium against the real server: the studio's checks
 * are of the draft it shows (also after a publish), it says when the draft differs from the live
 * version and restores a version, and fields land where the pointer puts them.
 */

async function letterPdf(): Promise<{ name: string; bytes: Buffer }> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.drawText('LETTER', { x: 50, y: 800, size: 18, font });
  return { name: 'letter.pdf', bytes: Buffer.from(await doc.save()) };
}

const draftState = (page: Page) => page.getByTestId('draft-state');

describeStudio('studio for a document designer', (session) => {
  it('checks the draft after a publish, says the draft differs from v1, and restores v1', async () => {
    const { studio, browser, api } = session();
    const page = await browser.context.newPage();
    const consoleErrors = collectConsoleErrors(page);
    try {
      await signUpInStudio(page, studio.url, 'Designer', 'e2e-designer');
      await uploadInStudio(page, await letterPdf(), 60_000);
      await expect.poll(() => draftState(page).getAttribute('data-status')).toBe('unpublished');

      const surface = page.getByTestId('page-1');
      const sb = (await surface.boundingBox())!;
      const zoom = sb.width / 595;
      await page.getByTestId('palette-text').click();
      await page.mouse.click(sb.x + 100 * zoom, sb.y + 200 * zoom);
      const props = page.locator('.props');
      await commitText(props, 'Binding key', 'name');
      await waitSaved(page);

      // Publish asks first, then says v1 is live and the draft is the same.
      await page.getByRole('button', { name: 'Publish version' }).click();
      expect(await page.getByTestId('publish-confirm').textContent()).toContain('API generation will use v1');
      await page.getByRole('button', { name: 'Publish as v1' }).click();
      await expect.poll(() => draftState(page).textContent(), { timeout: 60_000 }).toBe('v1 is live — the draft is the same');

      // The draft binds the field to another key: the badge says so, and the check is of the draft
      // (checked against v1, `customer` would be a key no field is bound to).
      await commitText(props, 'Binding key', 'customer');
      await waitSaved(page);
      await expect.poll(() => draftState(page).getAttribute('data-status')).toBe('changed');
      expect(await draftState(page).textContent()).toBe('Draft — changes not published (v1 is live): 1 changed');
      await page.getByRole('tab', { name: 'Preview' }).click();
      await page.getByLabel('Sample data (JSON)').fill('{"customer": "Ada"}');
      await page.getByRole('button', { name: 'Check for problems' }).click();
      const summary = page.getByTestId('preflight-summary');
      await expect.poll(() => summary.getAttribute('data-status'), { timeout: 60_000 }).toBe('ok');
      expect(await summary.textContent()).toContain('No problems found.');

      // The versions list, the difference, and v1 restored as the draft (also after a reload).
      await page.getByRole('tab', { name: 'Versions' }).click();
      await expect.poll(() => page.getByTestId('version').count()).toBe(1);
      await page.getByRole('button', { name: 'Compare with draft' }).click();
      await expect.poll(() => page.getByTestId('version-diff').textContent()).toBe('In the draft, changed: text1');
      await page.screenshot({ path: join(ARTIFACTS, 'designer-versions.png') });
      await page.getByRole('button', { name: 'Restore as draft…' }).click();
      await page.getByRole('button', { name: 'Replace the draft with v1' }).click();
      await expect.poll(() => draftState(page).getAttribute('data-status'), { timeout: 60_000 }).toBe('live');
      await page.reload();
      await expect.poll(() => draftState(page).getAttribute('data-status'), { timeout: 60_000 }).toBe('live');
      await page.locator('[data-testid="field"]').click();
      await page.getByRole('tab', { name: 'Properties' }).click();
      expect(await props.getByLabel('Binding key', { exact: true }).inputValue()).toBe('name');
      expect(consoleErrors.filter((e) => !/favicon/.test(e)).join('\n')).toBe('');
    } catch (err) {
      await page.screenshot({ path: join(ARTIFACTS, 'designer-failure.png') }).catch(() => undefined);
      throw new Error(`${String(err)}\n--- server log ---\n${api.log().slice(-4000)}`, { cause: err });
    } finally {
      await page.close();
    }
  });

  it('draws a field as a rectangle on the grid, and shows it in its own font, size, colour and alignment', async () => {
    const { studio, browser, api } = session();
    const page = await browser.context.newPage();
    const consoleErrors = collectConsoleErrors(page);
    try {
      // Its own account: the browser profile still holds the first test's session. The storage is
      // cleared on a page of the same origin that does not run the studio, so no session restore in
      // flight can write a rotated refresh token back after the clear.
      await page.goto(`${studio.url}/health`);
      await page.evaluate(() => localStorage.clear());
      await signUpInStudio(page, studio.url, 'Drawer', 'e2e-drawer');
      await uploadInStudio(page, await letterPdf(), 60_000);
      const sb = (await page.getByTestId('page-1').boundingBox())!;
      const zoom = sb.width / 595;
      const px = (x: number, y: number) => ({ x: sb.x + x * zoom, y: sb.y + y * zoom });

      // Press at (101.3, 202.6) pt and drag to (298.7, 238.2): the box runs from grid point to grid point.
      await page.getByTestId('palette-text').click();
      const from = px(101.3, 202.6);
      const to = px(298.7, 238.2);
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      for (let i = 1; i <= 8; i += 1) await page.mouse.move(from.x + ((to.x - from.x) * i) / 8, from.y + ((to.y - from.y) * i) / 8);
      await page.mouse.up();
      const props = page.locator('.props');
      await expect.poll(() => props.getByLabel('X (pt)', { exact: true }).inputValue()).toBe('100');
      expect(await props.getByLabel('Y (pt)', { exact: true }).inputValue()).toBe('205');
      expect(await props.getByLabel('Width (pt)', { exact: true }).inputValue()).toBe('200');
      expect(await props.getByLabel('Height (pt)', { exact: true }).inputValue()).toBe('35');

      // Styled: the page shows the sample value in that style, not a box with a name.
      await commitText(props, 'Size (pt)', '18');
      await props.getByLabel('Bold').check();
      await props.getByLabel('Align').selectOption('right');
      await waitSaved(page);
      const face = page.locator('[data-testid="field"] [data-testid="field-face"]');
      await expect.poll(() => face.textContent()).toBe('Sample text1');
      const css = await face.evaluate((el) => {
        const c = getComputedStyle(el);
        return { size: parseFloat(c.fontSize), weight: c.fontWeight, justify: c.justifyContent };
      });
      expect(css.size).toBeCloseTo(18 * zoom, 1);
      expect(css).toMatchObject({ weight: '700', justify: 'flex-end' });
      await page.screenshot({ path: join(ARTIFACTS, 'designer-canvas.png') });
      expect(consoleErrors.filter((e) => !/favicon/.test(e)).join('\n')).toBe('');
    } catch (err) {
      await page.screenshot({ path: join(ARTIFACTS, 'designer-draw-failure.png') }).catch(() => undefined);
      throw new Error(`${String(err)}\n--- server log ---\n${api.log().slice(-4000)}`, { cause: err });
    } finally {
      await page.close();
    }
  });
});
