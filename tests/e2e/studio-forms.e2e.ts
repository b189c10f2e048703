import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { ARTIFACTS, describeStudio, pdfText, ROOT, type StudioSession, uploadInStudio } from './harness.js';

/**
 * The studio's form workflow end to end, in headless Chromium against the real server: import an
 * uploaded PDF's own AcroForm fields with one action, see preflight warnings on the fields they
 * concern, generate, publish a version, and the keyboard (nudge, copy/paste, delete, undo/redo).
 */

const CORPUS_FORM = join(ROOT, '../shared/corpus/pdf-lib/create_form.pdf');
const PASSWORD = 'correct horse battery';

/** Where the test's own form puts its widgets (PDF user space, origin bottom-left), page 612×792. */
const FORM = {
  customer: { x: 72, y: 650, width: 260, height: 24 },
  code: { x: 72, y: 600, width: 40, height: 16 },
  agree: { x: 72, y: 560, width: 14, height: 14 },
  country: { x: 72, y: 510, width: 120, height: 20 },
};

/** A real AcroForm made with pdf-lib: two text fields (one small), a checkbox and a dropdown. */
async function formPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  page.drawText('APPLICATION', { x: 72, y: 720, size: 20, font });
  const form = doc.getForm();
  form.createTextField('customer').addToPage(page, FORM.customer);
  form.createTextField('code').addToPage(page, FORM.code);
  form.createCheckBox('agree').addToPage(page, FORM.agree);
  const dd = form.createDropdown('country');
  dd.addOptions(['France', 'Japan', 'Peru']);
  dd.addToPage(page, FORM.country);
  return Buffer.from(await doc.save());
}

/** Clicks Generate PDF in the preview panel; the text of the PDF the viewer shows (saved as an artifact). */
async function generateText(page: Page, artifact: string): Promise<string> {
  const viewer = page.getByTestId('generated-pdf');
  const before = (await viewer.count()) ? await viewer.getAttribute('src') : null;
  const [response] = await Promise.all([
    page.waitForResponse((res) => res.url().includes('/generate') && res.request().method() === 'POST', { timeout: 120_000 }),
    page.getByRole('button', { name: 'Generate PDF' }).click(),
  ]);
  expect(response.status()).toBe(200);
  await expect.poll(async () => ((await viewer.count()) ? await viewer.getAttribute('src') : null), { timeout: 60_000 }).not.toBe(before);
  const b64 = await viewer.evaluate(async (el) => {
    const buf = new Uint8Array(await (await fetch((el as HTMLIFrameElement).src)).arrayBuffer());
    let bin = '';
    for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000));
    return btoa(bin);
  });
  const bytes = Buffer.from(b64, 'base64');
  writeFileSync(join(ARTIFACTS, artifact), bytes);
  return pdfText(new Uint8Array(bytes));
}

interface Box {
  name: string;
  type: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Field boxes as the editor draws them, in PDF points (CSS px divided by the zoom). The zoom and the
 * boxes are read in one evaluation, i.e. from one frame: read in two round trips, a zoom change in
 * between (the fit-to-width after a reload) divided one frame's pixels by another frame's zoom.
 */
async function fieldBoxes(page: Page): Promise<Box[]> {
  return page.evaluate(() => {
    const zoomSelect = document.querySelector<HTMLSelectElement>('#zoom-select');
    if (!zoomSelect) throw new Error('no zoom control on the page');
    const zoom = Number(zoomSelect.value || '1');
    return [...document.querySelectorAll<HTMLElement>('[data-testid="field"]')].map((el) => {
      const s = el.style;
      return {
        name: el.getAttribute('data-name') ?? '',
        type: el.getAttribute('data-type') ?? '',
        left: parseFloat(s.left) / zoom,
        top: parseFloat(s.top) / zoom,
        width: parseFloat(s.width) / zoom,
        height: parseFloat(s.height) / zoom,
      };
    });
  });
}

const boxOf = async (page: Page, name: string) => {
  const b = (await fieldBoxes(page)).find((x) => x.name === name);
  if (!b) throw new Error(`no field ${name} on the page`);
  return b;
};
const names = async (page: Page) => (await fieldBoxes(page)).map((b) => b.name).sort();
const field = (page: Page, name: string) => page.locator(`[data-testid="field"][data-name="${name}"]`);

async function waitSaved(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="save-state"][data-status="saved"]', { timeout: 30_000 });
}

/** A JSON call to the API with this user's own session (signed in from Node, not the browser's). */
async function apiJson<T>(api: string, token: string, path: string): Promise<T> {
  const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function signIn(api: string, email: string): Promise<string> {
  const res = await fetch(`${api}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

interface ApiField {
  fieldId: string;
  name: string;
  type: string;
  page: number;
  bindingKey: string;
  position: { x: number; y: number };
  size: { width: number; height: number };
  advanced: { acroFormName?: string; acroFormWidget?: number; options?: string[] };
}

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} (${m.location().url})`));
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

async function signUp(page: Page, studioUrl: string, email: string): Promise<void> {
  // The browser context is shared between tests: sign an earlier test's user out first.
  await page.goto(`${studioUrl}/#/signup`);
  const signOut = page.getByRole('button', { name: 'Sign out' });
  const nameInput = page.getByLabel('Name');
  await Promise.race([signOut.waitFor({ timeout: 60_000 }), nameInput.waitFor({ timeout: 60_000 })]);
  if (await signOut.isVisible()) {
    await signOut.click();
    await signOut.waitFor({ state: 'detached', timeout: 30_000 });
    await page.goto(`${studioUrl}/#/signup`);
  }
  await page.getByLabel('Name').fill('Forms Tester');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { name: 'Templates' }).waitFor({ timeout: 60_000 });
}

/** Clicks "Import form fields" and waits for the notice. */
async function importFields(page: Page): Promise<string> {
  const notice = page.locator('.editor-head > .notice');
  const previous = (await notice.textContent()) ?? '';
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/import-form-fields') && r.request().method() === 'POST', { timeout: 90_000 }),
    page.getByRole('button', { name: 'Import form fields' }).click(),
  ]);
  expect(res.status()).toBe(200);
  await expect
    .poll(
      async () => {
        const t = (await notice.textContent()) ?? '';
        return t !== previous && /form field/.test(t);
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  return (await notice.textContent()) ?? '';
}

describeStudio('studio form workflow end to end', (session) => {
  let api: StudioSession['api'] | undefined;
  let studio: StudioSession['studio'] | undefined;
  let browser: StudioSession['browser'] | undefined;

  beforeAll(() => {
    ({ api, studio, browser } = session());
  });

  async function withPage(shot: string, body: (page: Page, errors: string[]) => Promise<void>): Promise<void> {
    const page = await browser!.context.newPage();
    const errors = collectErrors(page);
    try {
      await body(page, errors);
    } catch (err) {
      await page.screenshot({ path: join(ARTIFACTS, `${shot}-failure.png`) }).catch(() => undefined);
      throw new Error(`${String(err)}\n--- server log ---\n${api?.log().slice(-4000) ?? ''}`, { cause: err });
    } finally {
      await page.close();
    }
  }

  it('imports the AcroForm fields, marks preflight problems on their fields, generates, publishes, and edits by keyboard', async () => {
    await withPage('forms', async (page, consoleErrors) => {
      const email = `forms-${Date.now()}@example.com`;
      await signUp(page, studio!.url, email);
      const templateId = await uploadInStudio(page, { name: 'application-form.pdf', bytes: await formPdf() }, 90_000);
      const token = await signIn(api!.url, email);

      // One action imports the four AcroForm fields, at the widgets' places, with their types.
      expect(await importFields(page)).toContain('Imported 4 form field(s).');
      await expect.poll(() => names(page), { timeout: 30_000 }).toEqual(['agree', 'code', 'country', 'customer']);
      await waitSaved(page);
      const { fields } = await apiJson<{ fields: ApiField[] }>(api!.url, token, `/api/templates/${templateId}`);
      const types = { customer: 'text', code: 'text', agree: 'checkbox', country: 'dropdown' } as const;
      for (const [name, w] of Object.entries(FORM) as [keyof typeof FORM, (typeof FORM)[keyof typeof FORM]][]) {
        const stored = fields.find((f) => f.name === name)!;
        expect(stored, `stored field ${name}`).toBeDefined();
        expect(stored.type).toBe(types[name]);
        expect(stored.advanced.acroFormName).toBe(name);
        expect(stored.advanced.acroFormWidget).toBe(0); // which widget the box stands for: moving the box moves it
        // The widget's rectangle, top-left origin: y from the top = 792 - (y + height). pdf-lib's
        // addToPage widens the /Rect by half the 1 pt border on each side, hence the 1 pt tolerance.
        expect(Math.abs(stored.position.x - w.x)).toBeLessThanOrEqual(1);
        expect(Math.abs(stored.position.y - (792 - (w.y + w.height)))).toBeLessThanOrEqual(1);
        expect(Math.abs(stored.size.width - w.width)).toBeLessThanOrEqual(1);
        expect(Math.abs(stored.size.height - w.height)).toBeLessThanOrEqual(1);
        const drawn = await boxOf(page, name);
        expect(drawn.type).toBe(types[name]);
        for (const [k, v] of [
          ['left', stored.position.x],
          ['top', stored.position.y],
          ['width', stored.size.width],
          ['height', stored.size.height],
        ] as const) {
          expect(Math.abs(drawn[k] - v), `${name}.${k}: drawn ${drawn[k]} vs stored ${v}`).toBeLessThan(0.6);
        }
      }
      expect(fields.find((f) => f.name === 'country')!.advanced.options).toEqual(['France', 'Japan', 'Peru']);
      // Importing again adds nothing, and says so.
      expect(await importFields(page)).toBe('All form fields of this PDF are already imported.');
      expect((await names(page)).length).toBe(4);
      await page.screenshot({ path: join(ARTIFACTS, 'forms-imported.png') });

      // Preflight: a character no font has, a value too long for the small field, an option not offered.
      await page.getByRole('tab', { name: 'Preview' }).click();
      const sample = page.getByLabel('Sample data (JSON)');
      expect(Object.keys(JSON.parse(await sample.inputValue()) as object).sort()).toEqual(['agree', 'code', 'country', 'customer']);
      const long = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ';
      await sample.fill(JSON.stringify({ customer: 'Ada ཀ Lovelace', code: long, agree: true, country: 'Atlantis' }, null, 2));
      await page.getByRole('button', { name: 'Check for problems' }).click();
      const summary = page.getByTestId('preflight-summary');
      await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toMatch(/problem\(s\)/);
      const summaryText = (await summary.textContent()) ?? '';
      expect(summaryText).toContain('U+0F40');
      expect(summaryText).not.toContain('U+U+');
      // Each problem is marked on its own field, and only there.
      for (const name of ['customer', 'code', 'country'])
        await expect.poll(() => field(page, name).getAttribute('class')).toContain('has-issue');
      expect(await field(page, 'agree').getAttribute('class')).not.toContain('has-issue');
      const onField = (name: string) => field(page, name).locator('.field-issue-text');
      await expect.poll(() => onField('customer').textContent()).toMatch(/glyph for U\+0F40/);
      await expect.poll(() => onField('code').textContent()).toMatch(/does not fit|overflow|too long|cut/i);
      await expect.poll(() => onField('country').textContent()).toMatch(/must be one of/);
      // A finding in the list names its field and selects it on click.
      // The import selected all four fields, so "code is selected" already held before the click:
      // wait for the selection to be code alone, which only the click makes true.
      const pressed = () =>
        page.$$eval('[data-testid="field"][aria-pressed="true"]', (els) => els.map((el) => el.getAttribute('data-name')));
      await page.getByRole('button', { name: 'Show field code' }).click();
      await expect.poll(pressed).toEqual(['code']);
      await page.screenshot({ path: join(ARTIFACTS, 'forms-preflight.png') });
      // The property panel of a selected field lists that field's problems in words.
      await page.getByRole('tab', { name: 'Properties' }).click();
      await field(page, 'customer').click();
      await expect.poll(() => page.getByLabel('Preflight warnings for this field').textContent()).toMatch(/glyph for U\+0F40/);

      // An imported field says it fills the PDF's own form field; "Draw at this box instead" unlinks it.
      await field(page, 'code').click();
      await expect.poll(() => page.getByTestId('acroform-link').textContent()).toContain('“code”');
      await page.getByRole('button', { name: 'Draw at this box instead' }).click();
      await expect.poll(() => page.getByTestId('acroform-link').count()).toBe(0);
      await waitSaved(page);
      const unlinked = (await apiJson<{ fields: ApiField[] }>(api!.url, token, `/api/templates/${templateId}`)).fields.find(
        (f) => f.name === 'code',
      )!;
      expect(unlinked.advanced.acroFormName).toBeUndefined();
      expect(unlinked.advanced.acroFormWidget).toBeUndefined();

      // Fix the data (the sample typed before the tab switch is still there): the warnings go away;
      // generate and read the values back.
      await page.getByRole('tab', { name: 'Preview' }).click();
      expect(await sample.inputValue()).toContain('Atlantis');
      await sample.fill(JSON.stringify({ customer: 'Ada Lovelace', code: 'AB12', agree: true, country: 'Japan' }, null, 2));
      await page.getByRole('button', { name: 'Check for problems' }).click();
      await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toContain('No problems found.');
      expect(await page.locator('[data-testid="field"].has-issue').count()).toBe(0);
      const text = await generateText(page, 'forms-generated.pdf');
      for (const v of ['Ada Lovelace', 'AB12', 'Japan']) expect(text).toContain(v);

      // Publish: the studio says version 1 is published, and still does after a reload.
      await page.getByRole('button', { name: 'Publish version' }).click();
      await page.getByRole('button', { name: 'Publish as v1' }).click();
      await expect.poll(() => page.locator('.editor-head > .notice').textContent(), { timeout: 60_000 }).toContain('Published version 1.');
      const heading = page.locator('.editor-head h1');
      await expect.poll(() => heading.textContent()).toMatch(/v1\b/);
      expect(await heading.locator('.badge').textContent()).toBe('active');
      const versions = await apiJson<{ items: { version: number }[] }>(api!.url, token, `/api/templates/${templateId}/versions`);
      expect(versions.items.map((v) => v.version)).toEqual([1]);

      // Keyboard. Arrow = 1 pt, Shift+Arrow = 10 pt (web/src/state/keyboard.ts).
      await page.getByRole('tab', { name: 'Properties' }).click();
      await field(page, 'customer').click();
      const start = await boxOf(page, 'customer');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Shift+ArrowDown');
      await expect.poll(async () => (await boxOf(page, 'customer')).left).toBeCloseTo(start.left + 2, 1);
      expect((await boxOf(page, 'customer')).top).toBeCloseTo(start.top + 10, 1);
      await waitSaved(page);
      await page.reload();
      await field(page, 'customer').waitFor({ timeout: 60_000 });
      const reloaded = await boxOf(page, 'customer');
      expect(reloaded.left).toBeCloseTo(start.left + 2, 1);
      expect(reloaded.top).toBeCloseTo(start.top + 10, 1);
      // The published version is still shown after the reload.
      await expect.poll(() => page.locator('.editor-head h1').textContent()).toMatch(/v1\b/);

      // Copy/paste duplicates the field (10 pt down and right), Delete removes it, Ctrl+Z restores it.
      // Text selected before (the heading) must not turn Ctrl+C into a text copy once a field is clicked.
      await page.locator('.editor-head h1').click({ clickCount: 3 });
      expect(await page.evaluate(() => window.getSelection()?.toString() ?? '')).toContain('application-form');
      await field(page, 'customer').click();
      await page.keyboard.press('Control+c');
      await page.keyboard.press('Control+v');
      await expect.poll(() => names(page)).toEqual(['agree', 'code', 'country', 'customer', 'customer_2']);
      const pasted = await boxOf(page, 'customer_2');
      expect(pasted.type).toBe('text');
      expect(pasted.left).toBeCloseTo(reloaded.left + 10, 1);
      expect(pasted.top).toBeCloseTo(reloaded.top + 10, 1);
      expect(await field(page, 'customer_2').getAttribute('aria-pressed')).toBe('true');
      await waitSaved(page);
      await page.keyboard.press('Delete');
      await expect.poll(() => names(page)).toEqual(['agree', 'code', 'country', 'customer']);
      await waitSaved(page);
      await page.keyboard.press('Control+z');
      await expect.poll(() => names(page)).toEqual(['agree', 'code', 'country', 'customer', 'customer_2']);
      await page.keyboard.press('Control+Shift+z');
      await expect.poll(() => names(page)).toEqual(['agree', 'code', 'country', 'customer']);
      await page.keyboard.press('Control+z');
      await expect.poll(() => names(page)).toEqual(['agree', 'code', 'country', 'customer', 'customer_2']);
      await waitSaved(page);
      // What the server holds matches: the restored copy exists once, at its place.
      const after = await apiJson<{ fields: ApiField[] }>(api!.url, token, `/api/templates/${templateId}`);
      expect(after.fields.map((f) => f.name).sort()).toEqual(['agree', 'code', 'country', 'customer', 'customer_2']);
      const copy = after.fields.find((f) => f.name === 'customer_2')!;
      expect(copy.position.x).toBeCloseTo(reloaded.left + 10, 1);
      expect(copy.position.y).toBeCloseTo(reloaded.top + 10, 1);
      // The copy is a field of its own, not a second filler of the PDF's "customer" form field.
      expect(copy.advanced.acroFormName).toBeUndefined();
      expect(copy.advanced.acroFormWidget).toBeUndefined();
      await page.getByRole('tab', { name: 'Preview' }).click();
      await sample.fill(
        JSON.stringify({ customer: 'Ada Lovelace', customer_2: 'Grace Hopper', code: 'AB12', agree: true, country: 'Peru' }, null, 2),
      );
      const both = await generateText(page, 'forms-generated-copy.pdf');
      for (const v of ['Ada Lovelace', 'Grace Hopper', 'AB12', 'Peru']) expect(both).toContain(v);
      await page.screenshot({ path: join(ARTIFACTS, 'forms-keyboard.png') });
      expect(consoleErrors.filter((e) => !/favicon/.test(e)).join('\n')).toBe('');
    });
  });

  it('imports a real-world AcroForm from the corpus at the places the file inspection found', async (ctx) => {
    if (!existsSync(CORPUS_FORM)) {
      console.log(`skipped: ${CORPUS_FORM} is absent (the shared corpus is not next to this clone)`);
      ctx.skip();
      return;
    }
    await withPage('forms-corpus', async (page, consoleErrors) => {
      const email = `forms-corpus-${Date.now()}@example.com`;
      await signUp(page, studio!.url, email);
      const templateId = await uploadInStudio(page, { name: 'create_form.pdf', bytes: readFileSync(CORPUS_FORM) }, 90_000);
      const token = await signIn(api!.url, email);
      const { template } = await apiJson<{ template: { originalFileId: string } }>(api!.url, token, `/api/templates/${templateId}`);
      // The file's inspection (metadata.formFields) is what the import turns into fields.
      const { file } = await apiJson<{ file: { metadata: { formFields?: ApiField[] } } }>(
        api!.url,
        token,
        `/api/files/${template.originalFileId}`,
      );
      const suggested = file.metadata.formFields ?? [];
      expect(suggested.length).toBeGreaterThan(3);
      expect(await importFields(page)).toContain(`Imported ${suggested.length} form field(s).`);
      await expect.poll(() => fieldBoxes(page).then((b) => b.length), { timeout: 30_000 }).toBe(suggested.length);
      const drawn = await fieldBoxes(page);
      for (const s of suggested) {
        const d = drawn.find((b) => b.name === s.name);
        expect(d, `field ${s.name} drawn`).toBeDefined();
        expect(d!.type).toBe(s.type);
        expect(Math.abs(d!.left - s.position.x)).toBeLessThan(0.6);
        expect(Math.abs(d!.top - s.position.y)).toBeLessThan(0.6);
        expect(Math.abs(d!.width - s.size.width)).toBeLessThan(0.6);
      }
      expect(new Set(drawn.map((b) => b.type))).toEqual(new Set(['text', 'radio', 'dropdown', 'checkbox']));
      await waitSaved(page);
      await page.screenshot({ path: join(ARTIFACTS, 'forms-corpus-imported.png') });
      expect(consoleErrors.filter((e) => !/favicon/.test(e)).join('\n')).toBe('');
    });
  });
});
