/**
 * The studio's screenshots in docs/screenshots/ (linked from the README), taken in Chromium
 * against a fresh server: the editor with a styled invoice of several field types, the versions
 * panel comparing v1 with the draft, and the review of replacing the PDF with a revision.
 *
 *   npm run screenshots        (CHROMIUM_PATH to use another Chromium)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import type { Page } from 'playwright-core';
import { openGroup, ROOT, startStudioSession, uploadInStudio, waitSaved } from '../tests/e2e/harness.js';

const OUT = join(ROOT, 'docs/screenshots');
const PASSWORD = 'correct horse battery';

/** A one-page invoice form: a header band, labels and rules where the fields go. */
async function invoice(title: string, totalY: number, width = 595): Promise<{ name: string; bytes: Buffer }> {
  const doc = await PDFDocument.create();
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([width, 842]);
  page.drawRectangle({ x: 0, y: 772, width, height: 70, color: rgb(0.12, 0.23, 0.58) });
  page.drawText(title, { x: 50, y: 797, size: 24, font: bold, color: rgb(1, 1, 1) });
  const label = (text: string, x: number, top: number) =>
    page.drawText(text, { x, y: 842 - top, size: 9, font, color: rgb(0.4, 0.4, 0.45) });
  label('BILL TO', 50, 120);
  label('INVOICE DATE', 400, 120);
  label('PAID', 50, totalY - 4);
  label('DELIVERY', 50, totalY + 46);
  label('TOTAL DUE', 400, totalY - 4);
  page.drawLine({ start: { x: 50, y: 842 - 260 }, end: { x: width - 50, y: 842 - 260 }, thickness: 0.8, color: rgb(0.8, 0.8, 0.85) });
  return { name: `${title.toLowerCase().replace(/\W+/g, '-')}.pdf`, bytes: Buffer.from(await doc.save()) };
}

const FIELDS = [
  {
    name: 'Customer',
    type: 'text',
    page: 1,
    position: { x: 50, y: 128 },
    size: { width: 280, height: 28 },
    bindingKey: 'customer.name',
    style: { fontFamily: 'Times New Roman', fontSize: 18, bold: true, textColor: '#1f3a93' },
  },
  {
    name: 'Address',
    type: 'text',
    page: 1,
    position: { x: 50, y: 160 },
    size: { width: 280, height: 50 },
    bindingKey: 'customer.address',
    style: { fontSize: 11, verticalAlign: 'top' },
    advanced: { multiLine: true },
  },
  {
    name: 'Date',
    type: 'date',
    page: 1,
    position: { x: 400, y: 128 },
    size: { width: 145, height: 24 },
    bindingKey: 'invoice.date',
    style: { fontSize: 12, textAlign: 'right' },
  },
  {
    name: 'Total',
    type: 'number',
    page: 1,
    position: { x: 400, y: 300 },
    size: { width: 145, height: 30 },
    bindingKey: 'total',
    style: { fontSize: 16, bold: true, textAlign: 'right', backgroundColor: '#eef3ff', borderColor: '#1f3a93', borderWidth: 1 },
  },
  { name: 'Paid', type: 'checkbox', page: 1, position: { x: 50, y: 300 }, size: { width: 18, height: 18 }, bindingKey: 'paid' },
  {
    name: 'Delivery',
    type: 'radio',
    page: 1,
    position: { x: 50, y: 350 },
    size: { width: 180, height: 20 },
    bindingKey: 'delivery',
    advanced: { options: ['post', 'pickup', 'courier'] },
  },
];

const SAMPLE = {
  customer: { name: 'Ada Lovelace', address: '12 St James’s Square\nLondon SW1Y 4JH' },
  invoice: { date: '2026-12-04' },
  total: 1250.5,
  paid: true,
  delivery: 'pickup',
};

async function json(res: Response): Promise<Record<string, unknown>> {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function shoot(page: Page, file: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(OUT, file) });
  console.log(`wrote docs/screenshots/${file}`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const session = await startStudioSession();
  const { studio, api, browser } = session;
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    const email = `designer-${Date.now()}@example.com`;
    await page.goto(`${studio.url}/#/signup`);
    await page.getByLabel('Name').fill('Ada');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Templates' }).waitFor();
    const id = await uploadInStudio(page, await invoice('INVOICE', 300), 60_000);

    const { accessToken } = (await json(
      await fetch(`${api.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      }),
    )) as { accessToken: string };
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${api.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(json);
    const created: { fieldId: string; name: string }[] = [];
    for (const f of FIELDS) created.push((await call('POST', `/api/templates/${id}/fields`, f)).field as { fieldId: string; name: string });
    await call('POST', `/api/templates/${id}/publish`, {});
    // A draft edit after v1: the total moves down, so the versions panel has something to say.
    const total = created.find((f) => f.name === 'Total')!;
    await call('PATCH', `/api/templates/${id}/fields/${total.fieldId}`, { position: { x: 400, y: 320 } });

    // The editor: the sample data shown on the page, the styled total selected.
    await page.reload();
    await page.waitForSelector('[data-testid="page-1"] [data-testid="field"]');
    await page.locator('#zoom-select').selectOption('1');
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByLabel('Sample data (JSON)').fill(JSON.stringify(SAMPLE, null, 2));
    await page.getByRole('tab', { name: 'Properties' }).click();
    await page.locator('[data-testid="field"][data-name="Customer"]').click();
    await openGroup(page.locator('.props'), 'Style');
    await page.locator('.props summary', { hasText: 'General' }).first().click();
    await waitSaved(page);
    await shoot(page, 'editor.png');

    await page.getByRole('tab', { name: 'Versions' }).click();
    await page.getByRole('button', { name: 'Compare with draft' }).click();
    await page.getByTestId('version-diff').waitFor();
    await shoot(page, 'versions.png');

    // A narrower revision: fields without form fields keep their place; the two at the right edge
    // would run off the 520-pt page and are flagged.
    await page.getByText('Template', { exact: true }).click();
    const rev = await invoice('INVOICE rev 2', 300, 520);
    await page.getByLabel('New revision (PDF)').setInputFiles({ name: rev.name, buffer: rev.bytes, mimeType: 'application/pdf' });
    await page.getByTestId('replace-review').waitFor({ timeout: 60_000 });
    await shoot(page, 'replace-pdf-review.png');
  } finally {
    await session.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
