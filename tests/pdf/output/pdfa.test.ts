import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileTemplate, type CompiledTemplate } from '@/pdf/index.js';
import { PdfError } from '@/pdf/errors.js';
import { pdfaPreflight } from '@/pdf/output/index.js';
import { outputOptionsSchema } from '@/shared/domain/output.js';
import { checkPdfA, invoiceBase, invoiceFields, invoicePayload, makePki, str, type Pki } from './support.js';

let pki: Pki;
let template: CompiledTemplate;
beforeAll(async () => {
  pki = await makePki();
  template = await compileTemplate(await invoiceBase(), invoiceFields());
}, 60_000);
afterAll(() => pki?.cleanup());

const META = {
  title: 'Invoice INV-2026-0042',
  author: 'Atelier Durand',
  subject: 'Invoice for design work',
  keywords: ['invoice', 'design'],
  language: 'fr-FR',
};

async function write(bytes: Uint8Array, name: string): Promise<string> {
  const file = path.join(pki.dir, name);
  writeFileSync(file, bytes);
  return file;
}

describe('PDF/A output', () => {
  it('PDF/A-2b: XMP matches the info dictionary, sRGB OutputIntent, fonts embedded with ToUnicode, ID, no forbidden keys', async () => {
    const doc = await template.generate(invoicePayload(), { output: outputOptionsSchema.parse({ pdfa: '2b', metadata: META }) });
    const q = await checkPdfA(await write(doc.bytes, 'a2b.pdf'), '2', pki.dir);
    const catalog = q.get(q.trailer['/Root']) as Record<string, unknown>;
    expect(catalog['/Lang']).toBe('u:fr-FR');
    const info = q.get(q.trailer['/Info']) as Record<string, unknown>;
    expect(str(info['/Title'])).toBe(META.title);
    expect(str(info['/Keywords'])).toBe('invoice design');
  });

  it('PDF/A-3b of a fillable document: our widgets keep appearances and get the print flag', async () => {
    const doc = await template.generate(invoicePayload(), { flatten: false, output: outputOptionsSchema.parse({ pdfa: '3b' }) });
    const file = await write(doc.bytes, 'a3b-fillable.pdf');
    const q = await checkPdfA(file, '3', pki.dir);
    const widgets = [...q.objects.values()].filter((o) => o.dict['/Subtype'] === '/Widget');
    expect(widgets.length).toBeGreaterThan(0);
    for (const w of widgets) {
      expect(Number(w.dict['/F']) & 4).toBe(4);
      expect(w.dict['/AP']).toBeDefined();
    }
  });

  it('metadata alone: info dictionary and /Lang, no PDF/A claim', async () => {
    const doc = await template.generate(invoicePayload(), { output: outputOptionsSchema.parse({ metadata: META }) });
    const pdf = await PDFDocument.load(doc.bytes, { updateMetadata: false });
    expect(pdf.getTitle()).toBe(META.title);
    expect(pdf.getAuthor()).toBe(META.author);
    expect(pdf.getSubject()).toBe(META.subject);
    expect(pdf.getKeywords()).toBe('invoice design');
    expect((pdf.catalog.lookup(PDFName.of('Lang')) as PDFString).decodeText()).toBe('fr-FR');
    expect(pdf.catalog.get(PDFName.of('OutputIntents'))).toBeUndefined();
  });
});

describe('PDF/A preflight', () => {
  it('a base with an unembedded standard font: preflight names it, and PDF/A output is refused with the same reason', async () => {
    const base = await invoiceBase({ standardFont: true });
    const pre = await pdfaPreflight(base);
    expect(pre.ok).toBe(false);
    expect(pre.issues).toEqual([expect.objectContaining({ code: 'font_not_embedded', font: 'Helvetica', page: 1 })]);
    const t = await compileTemplate(base, invoiceFields());
    const err = await t.generate(invoicePayload(), { output: outputOptionsSchema.parse({ pdfa: '2b' }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PdfError);
    expect((err as PdfError).code).toBe('pdfa_not_possible');
    expect((err as PdfError).details?.issues).toEqual([expect.objectContaining({ font: 'Helvetica' })]);
  });

  it('JavaScript, a Launch action and an annotation without appearance are each reported; a clean base passes', async () => {
    expect(await pdfaPreflight(await invoiceBase())).toEqual({ ok: true, issues: [] });
    const doc = await PDFDocument.load(await invoiceBase());
    const ctx = doc.context;
    doc.catalog.set(PDFName.of('OpenAction'), ctx.obj({ S: 'JavaScript', JS: PDFString.of('app.alert(1)') }));
    const annot = ctx.register(ctx.obj({ Type: 'Annot', Subtype: 'Text', Rect: [10, 10, 30, 30], F: 4 }));
    const link = ctx.register(
      ctx.obj({ Type: 'Annot', Subtype: 'Link', Rect: [40, 10, 60, 30], F: 4, A: { S: 'Launch', F: PDFString.of('calc.exe') } }),
    );
    doc.getPage(0).node.set(PDFName.of('Annots'), ctx.obj([annot, link]));
    const pre = await pdfaPreflight(await doc.save());
    expect(pre.issues.map((i) => i.code).sort()).toEqual(['annotation_without_appearance', 'forbidden_action', 'javascript']);
  });

  it('PDF/A-2b cannot carry an arbitrary attachment; PDF/A-3b can', async () => {
    const doc = await PDFDocument.load(await invoiceBase());
    await doc.attach(new TextEncoder().encode('a,b\n1,2\n'), 'data.csv', { mimeType: 'text/csv' });
    const bytes = await doc.save();
    expect((await pdfaPreflight(bytes, '2b')).issues.map((i) => i.code)).toEqual(['embedded_file_not_allowed']);
    expect((await pdfaPreflight(bytes, '3b')).ok).toBe(true);
  });

  it('conflicting options are refused before rendering', async () => {
    const code = (o: unknown, secrets?: object) =>
      template.generate(invoicePayload(), { output: outputOptionsSchema.parse(o), secrets }).then(
        () => 'none',
        (e: unknown) => (e instanceof PdfError ? e.code : String(e)),
      );
    expect(await code({ pdfa: '2b', encryption: {} }, { userPassword: 'x' })).toBe('output_options_conflict');
    expect(await code({ pdfa: '2b', facturx: {} })).toBe('output_options_conflict');
    expect(await code({ signature: { level: 'B-T' } })).toBe('output_options_conflict');
    expect(await code({ encryption: {} })).toBe('encryption_password_missing');
  });
});
