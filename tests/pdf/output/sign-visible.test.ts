import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileTemplate, type CompiledTemplate } from '@/pdf/index.js';
import { PdfError } from '@/pdf/errors.js';
import { outputOptionsSchema } from '@/shared/domain/output.js';
import { field } from '../render/support.js';
import { SIGNER_PASSWORD, checkPdfA, invoiceBase, invoiceFields, invoicePayload, makePki, qpdfJson, run, type Pki } from './support.js';
import { pdfsig } from './verify.js';

/**
 * A visible signature: the widget at the studio's signature field, its appearance saying who signed
 * and when. pdfsig judges the signature; the appearance's text is read back by pdftotext (poppler
 * draws widget appearances), and is absent from an invisibly signed copy.
 */

let pki: Pki;
let template: CompiledTemplate;
const BOX = { x: 340, y: 680, width: 210, height: 60 };
const sigField = {
  ...field({
    name: 'Signature',
    type: 'signature',
    bindingKey: 'signature',
    position: { x: BOX.x, y: BOX.y },
    size: { width: BOX.width, height: BOX.height },
  }),
  fieldId: 'sig-field',
};

beforeAll(async () => {
  pki = await makePki();
  template = await compileTemplate(await invoiceBase(), [...invoiceFields(), sigField]);
}, 60_000);
afterAll(() => pki?.cleanup());

const secrets = () => ({ certificate: { p12: pki.p12, password: SIGNER_PASSWORD } });
const fileOf = (name: string, bytes: Uint8Array) => {
  const file = path.join(pki.dir, name);
  writeFileSync(file, bytes);
  return file;
};

describe('visible signature at a signature field', () => {
  it('PDF/A-2b + B-B: valid, at the field box, appearance text extracted, still PDF/A', async () => {
    const output = outputOptionsSchema.parse({ pdfa: '2b', signature: { level: 'B-B', fieldId: 'sig-field', reason: 'Approved' } });
    const before = new Date();
    const doc = await template.generate(invoicePayload(), { output, secrets: secrets() });
    const file = fileOf('visible.pdf', doc.bytes);
    const sig = await pdfsig(file);
    expect(sig).toContain('Signature is Valid');
    expect(sig).toContain('Total document signed');
    await checkPdfA(file, '2', pki.dir);

    // The widget's rectangle is the field's box in PDF user space (A4: 842 pt high, origin bottom-left).
    const q = await qpdfJson(file);
    const widgets = [...q.objects.values()].filter((o) => o.dict['/FT'] === '/Sig');
    expect(widgets).toHaveLength(1);
    const rect = (widgets[0].dict['/Rect'] as number[]).map((n) => Math.round(n));
    expect(rect).toEqual([BOX.x, 842 - BOX.y - BOX.height, BOX.x + BOX.width, 842 - BOX.y]);

    // poppler reads the widget's appearance stream (its font's ToUnicode map) as text of the page.
    const { stdout: shown } = await run('pdftotext', ['-layout', file, '-']);
    expect(shown).toContain('Digitally signed by Alice Signer');
    expect(shown).toContain('Reason: Approved');
    const date = shown.match(/Date: (\d{4}-\d\d-\d\d \d\d:\d\d) UTC/)?.[1];
    expect(date, shown).toBeTruthy();
    const shownAt = new Date(`${date!.replace(' ', 'T')}:00Z`).getTime();
    expect(shownAt).toBeGreaterThanOrEqual(Math.floor(before.getTime() / 60_000) * 60_000);
    expect(shownAt).toBeLessThanOrEqual(Date.now());
    // Its text is in the box: pdftotext's bounding box of the word lies inside it.
    const { stdout: bbox } = await run('pdftotext', ['-bbox', file, '-']);
    const words = [...bbox.matchAll(/xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">Digitally</g)];
    expect(words).toHaveLength(1);
    const [, x0, y0, x1, y1] = words[0].map(Number);
    expect(x0).toBeGreaterThanOrEqual(BOX.x);
    expect(x1).toBeLessThanOrEqual(BOX.x + BOX.width);
    expect(y0).toBeGreaterThanOrEqual(BOX.y);
    expect(y1).toBeLessThanOrEqual(BOX.y + BOX.height);
  });

  it('without fieldId the signature stays invisible (zero-size widget)', async () => {
    const output = outputOptionsSchema.parse({ signature: { level: 'B-B' } });
    const file = fileOf('invisible.pdf', (await template.generate(invoicePayload(), { output, secrets: secrets() })).bytes);
    expect(await pdfsig(file)).toContain('Signature is Valid');
    const q = await qpdfJson(file);
    const widgets = [...q.objects.values()].filter((o) => o.dict['/FT'] === '/Sig');
    expect(widgets.map((w) => w.dict['/Rect'])).toEqual([[0, 0, 0, 0]]);
    // The control for the visible case: without an appearance no such text is on the page.
    const { stdout } = await run('pdftotext', [file, '-']);
    expect(stdout).toContain('INV-2026-0042');
    expect(stdout).not.toContain('Digitally signed');
  });

  it('a fieldId that is not a signature field of the template is signature_field_invalid', async () => {
    const textField = invoiceFields()[0];
    const t = await compileTemplate(await invoiceBase(), [textField]);
    for (const fieldId of [textField.fieldId, 'no-such-field']) {
      const output = outputOptionsSchema.parse({ signature: { level: 'B-B', fieldId } });
      const err = await t.generate(invoicePayload(), { output, secrets: secrets() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PdfError);
      expect((err as PdfError).code).toBe('signature_field_invalid');
    }
  });
});
