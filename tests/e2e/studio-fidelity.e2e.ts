import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
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
import { inkBox, inkOverlap, type Gray } from './ink.js';

/**
 * What the studio shows is what prints, in Chromium against the real server: a field's text on
 * the canvas at 100% zoom against the generated PDF rendered by pdftoppm at 72 dpi (1 pt = 1 px),
 * the template's own curl command run as shown, and axe-core on the dashboard and the editor.
 */

const ARTIFACTS = join(ROOT, 'test-artifacts');
const PASSWORD = 'correct horse battery';

/**
 * The stated tolerance: the ink's bounding box on the canvas and in the PDF agree within 1 px on
 * each side, and at least 80 % of the ink pixels of each lie on ink of the other (dilated by 1 px):
 * Skia and poppler's rasteriser antialias and hint the same outlines slightly differently.
 */
const BOX_TOLERANCE_PX = 1;
const MIN_OVERLAP = 0.8;

async function letterPdf(): Promise<{ name: string; bytes: Buffer }> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.drawText('LETTER', { x: 50, y: 800, size: 18, font });
  return { name: 'letter.pdf', bytes: Buffer.from(await doc.save()) };
}

function toGray(png: PNG): Gray {
  const px = new Uint8Array(png.width * png.height);
  for (let i = 0; i < px.length; i += 1)
    px[i] = Math.round(0.299 * png.data[i * 4] + 0.587 * png.data[i * 4 + 1] + 0.114 * png.data[i * 4 + 2]);
  return { width: png.width, height: png.height, px };
}

const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated, not a <script> tag: the studio's Content-Security-Policy forbids inline scripts.
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.join(', ')})`);
}

const browserReady = existsSync(CHROMIUM) && existsSync('/usr/bin/pdftoppm');
(browserReady ? describe : describe.skip)(
  `studio fidelity${browserReady ? '' : ` (skipped: needs Chromium at ${CHROMIUM} and pdftoppm)`}`,
  () => {
    let session: StudioSession | undefined;
    let work = '';

    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      work = mkdtempSync(join(tmpdir(), 'pdf-studio-fidelity-'));
      session = await startStudioSession();
    });

    afterAll(async () => {
      await session?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('draws canvas text where the PDF prints it, runs its own curl, JavaScript and Python snippets, and passes axe-core', async () => {
      const { studio, browser, api } = session!;
      const page = await browser.context.newPage();
      const consoleErrors = collectConsoleErrors(page);
      try {
        const email = `e2e-fidelity-${Date.now()}@example.com`;
        await page.goto(`${studio.url}/#/signup`);
        await page.getByLabel('Name').fill('Fidelity');
        await page.getByLabel('Email').fill(email);
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign up' }).click();
        await page.getByRole('heading', { name: 'Templates' }).waitFor();
        expect(await axeViolations(page), 'dashboard (empty)').toEqual([]);

        const templateId = await uploadInStudio(page, await letterPdf(), 60_000);
        await page.locator('#zoom-select').selectOption('1');
        const surface = page.getByTestId('page-1');
        await expect.poll(async () => (await surface.boundingBox())!.width).toBeCloseTo(595, 0);
        const sb = (await surface.boundingBox())!;

        // Two styled fields: Arial 18 left-aligned, and Times bold 16 right-aligned in colour.
        const props = page.locator('.props');
        const place = async (x: number, y: number, key: string) => {
          await page.getByTestId('palette-text').click();
          await page.mouse.click(sb.x + x, sb.y + y);
          await commitText(props, 'Binding key', key);
          await commitText(props, 'Width (pt)', '220');
          await commitText(props, 'Height (pt)', '30');
        };
        await place(100, 200, 'name');
        await commitText(props, 'Size (pt)', '18');
        await place(100, 300, 'city');
        await commitText(props, 'Size (pt)', '16');
        await props.getByLabel('Font', { exact: true }).selectOption('Times New Roman');
        await props.getByLabel('Bold').check();
        await props.getByLabel('Align').selectOption('right');
        await waitSaved(page);
        expect(await axeViolations(page), 'editor with a field selected').toEqual([]);

        // The faces as they will print; the editor's own outline and tint are not the document's.
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await page.keyboard.press('Escape');
        await expect.poll(() => page.locator('.field.selected').count()).toBe(0);
        await page.addStyleTag({
          content: '.field, .field.selected { border-color: transparent !important; background: transparent !important; }',
        });
        await page.evaluate(() => document.fonts.ready);
        const fields = page.locator('[data-testid="field"]');
        await expect.poll(() => fields.count()).toBe(2);
        const values: Record<string, string> = {};
        const boxes: { key: string; x: number; y: number; w: number; h: number }[] = [];
        for (let i = 0; i < 2; i += 1) {
          const f = fields.nth(i);
          const key = i === 0 ? 'name' : 'city';
          values[key] = (await f.getByTestId('field-face').textContent()) ?? '';
          const b = (await f.boundingBox())!;
          boxes.push({ key, x: Math.round(b.x - sb.x), y: Math.round(b.y - sb.y), w: Math.round(b.width), h: Math.round(b.height) });
        }
        expect(values.name).not.toBe('');
        expect(boxes.map((b) => [b.x, b.y, b.w, b.h])).toEqual([
          [100, 200, 220, 30],
          [100, 300, 220, 30],
        ]);

        // The draft generated with the values the canvas shows, as the API answers it.
        const login = await fetch(`${api.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: PASSWORD }),
        });
        expect(login.status).toBe(200);
        const { accessToken } = (await login.json()) as { accessToken: string };
        const gen = await fetch(`${api.url}/api/templates/${templateId}/generate`, {
          method: 'POST',
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/pdf' },
          body: JSON.stringify({ data: values, version: 'draft' }),
        });
        expect(gen.status).toBe(200);
        const pdfPath = join(work, 'fidelity.pdf');
        writeFileSync(pdfPath, Buffer.from(await gen.arrayBuffer()));

        const measured: object[] = [];
        for (const b of boxes) {
          const shot = PNG.sync.read(await page.screenshot({ clip: { x: sb.x + b.x, y: sb.y + b.y, width: b.w, height: b.h } }));
          const out = join(work, `${b.key}`);
          // -r 72: one pixel per point, the canvas's scale at 100% zoom.
          execFileSync('pdftoppm', [
            '-r',
            '72',
            '-f',
            '1',
            '-l',
            '1',
            '-x',
            String(b.x),
            '-y',
            String(b.y),
            '-W',
            String(b.w),
            '-H',
            String(b.h),
            '-png',
            '-singlefile',
            pdfPath,
            out,
          ]);
          const printed = PNG.sync.read(readFileSync(`${out}.png`));
          writeFileSync(join(ARTIFACTS, `fidelity-${b.key}-canvas.png`), PNG.sync.write(shot));
          writeFileSync(join(ARTIFACTS, `fidelity-${b.key}-pdf.png`), PNG.sync.write(printed));
          const canvas = toGray(shot);
          const pdf = toGray(printed);
          const cb = inkBox(canvas);
          const pb = inkBox(pdf);
          expect(cb, `${b.key}: ink on the canvas`).not.toBeNull();
          expect(pb, `${b.key}: ink in the PDF`).not.toBeNull();
          for (const side of ['left', 'top', 'right', 'bottom'] as const)
            expect(
              Math.abs(cb![side] - pb![side]),
              `${b.key} ink ${side}: canvas ${JSON.stringify(cb)} vs PDF ${JSON.stringify(pb)}`,
            ).toBeLessThanOrEqual(BOX_TOLERANCE_PX);
          const overlap = inkOverlap(canvas, pdf);
          measured.push({ field: b.key, canvas: cb, pdf: pb, ...overlap });
          writeFileSync(join(ARTIFACTS, 'fidelity.json'), JSON.stringify(measured, null, 2));
          expect(overlap.aInB, `${b.key}: canvas ink on PDF ink`).toBeGreaterThanOrEqual(MIN_OVERLAP);
          expect(overlap.bInA, `${b.key}: PDF ink on canvas ink`).toBeGreaterThanOrEqual(MIN_OVERLAP);
        }

        // The template's own snippets, as shown, with a new key: curl, JavaScript (Node) and Python
        // each write a PDF with the sample values.
        await page.getByText('Template', { exact: true }).click();
        const key = await fetch(`${api.url}/api/api-keys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'snippets' }),
        });
        expect(key.status).toBe(201);
        const env = { ...process.env, PDF_STUDIO_KEY: ((await key.json()) as { key: string }).key };
        const snippet = page.getByTestId('template-snippet');
        const curl = (await snippet.textContent())!;
        expect(curl).toContain(`/api/templates/${templateId}/generate`);
        const body = JSON.parse(/-d '(.*)' \\/.exec(curl)![1].replace(/'\\''/g, "'")) as { data: Record<string, string> };
        const runs: [string, string, string[]][] = [
          ['curl', 'bash', ['-c']],
          ['JavaScript', process.execPath, ['--input-type=module', '-e']],
          ['Python', 'python3', ['-c']],
        ];
        for (const [label, cmd, args] of runs) {
          await page.getByRole('button', { name: label, exact: true }).click();
          const code = (await snippet.textContent())!;
          const dir = mkdtempSync(join(work, 'snippet-'));
          execFileSync(cmd, [...args, code], { cwd: dir, env, stdio: 'pipe' });
          const made = readFileSync(join(dir, 'document.pdf'));
          expect(made.subarray(0, 5).toString('latin1'), `${label}:\n${code}\n→ ${made.subarray(0, 600).toString('utf8')}`).toBe('%PDF-');
          const text = await pdfText(new Uint8Array(made));
          for (const v of Object.values(body.data)) expect(text, label).toContain(v);
        }

        await page.goto(`${studio.url}/#/`);
        await page.getByRole('heading', { name: 'Templates' }).waitFor();
        await page.getByText('letter').first().waitFor();
        expect(await axeViolations(page), 'dashboard with a template').toEqual([]);

        // Desktop-first: usable at 1024 px (nothing wider than the window), a notice below that.
        const notice = page.getByTestId('narrow-notice');
        expect(await notice.isVisible()).toBe(false);
        await page.goto(`${studio.url}/#/templates/${templateId}`);
        await page.getByTestId('page-1').waitFor();
        await page.setViewportSize({ width: 1024, height: 768 });
        await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
        expect(await notice.isVisible()).toBe(false);
        await page.setViewportSize({ width: 900, height: 768 });
        await expect.poll(() => notice.isVisible()).toBe(true);
        expect(await notice.textContent()).toContain('made for screens at least 1024 pixels wide');
        expect(await axeViolations(page), 'editor at 900 px with the notice').toEqual([]);
        await page.setViewportSize({ width: 1024, height: 768 });
        await page.goto(`${studio.url}/#/`);
        await page.getByRole('button', { name: `Copy template id ${templateId}` }).waitFor();
        await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
        expect(consoleErrors.filter((e) => !/favicon/.test(e)).join('\n')).toBe('');
      } catch (err) {
        await page.screenshot({ path: join(ARTIFACTS, 'fidelity-failure.png') }).catch(() => undefined);
        throw new Error(`${String(err)}\n--- server log ---\n${api.log().slice(-4000)}`, { cause: err });
      } finally {
        await page.close();
      }
    });
  },
);
