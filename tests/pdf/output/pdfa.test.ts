import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseIcc } from 'icc';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileTemplate, type CompiledTemplate } from '@/pdf/index.js';
import { PdfError } from '@/pdf/errors.js';
import { pdfaPreflight } from '@/pdf/output/index.js';
import { outputOptionsSchema } from '@/shared/domain/output.js';
import { invoiceBase, invoiceFields, invoicePayload, makePki, qpdfJson, run, xpath, type Pki, type QpdfJson } from './support.js';

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

const str = (v: unknown): string => (typeof v === 'string' ? v.replace(/^u:/, '') : '');

/** Every PDF/A requirement we implement, checked on the file with qpdf and xmllint. */
async function checkPdfA(file: string, part: '2' | '3'): Promise<QpdfJson> {
  const { stdout: check } = await run('qpdf', ['--check', file]);
  expect(check).toContain('No syntax or stream encoding errors');
  const q = await qpdfJson(file);
  expect(q.encrypt.encrypted).toBe(false);
  expect(readFileSync(file).subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
  // Document ID: two byte strings.
  expect(Array.isArray(q.trailer['/ID']) && (q.trailer['/ID'] as unknown[]).length).toBe(2);
  const catalog = q.get(q.trailer['/Root']) as Record<string, unknown>;
  // XMP: parsed by libxml2, pdfaid and the document info mirrored.
  const metaRef = catalog['/Metadata'] as string;
  const xmpFile = path.join(pki.dir, `xmp-${path.basename(file)}.xml`);
  const { stdout: xmp } = await run('qpdf', [`--show-object=${metaRef.replace(' 0 R', '')}`, '--raw-stream-data', file], {
    encoding: 'latin1',
  });
  writeFileSync(xmpFile, xmp);
  await run('xmllint', ['--noout', xmpFile]);
  expect(await xpath(xmpFile, "//*[local-name()='part']")).toBe(part);
  expect(await xpath(xmpFile, "//*[local-name()='conformance']")).toBe('B');
  const info = q.get(q.trailer['/Info']) as Record<string, unknown>;
  expect(await xpath(xmpFile, "//*[local-name()='title']//*[local-name()='li']")).toBe(str(info['/Title']));
  expect(await xpath(xmpFile, "//*[local-name()='creator']//*[local-name()='li']")).toBe(str(info['/Author']));
  expect(await xpath(xmpFile, "//*[local-name()='description']//*[local-name()='li']")).toBe(str(info['/Subject']));
  expect(await xpath(xmpFile, "//*[local-name()='Keywords']")).toBe(str(info['/Keywords']));
  expect(await xpath(xmpFile, "//*[local-name()='Producer']")).toBe(str(info['/Producer']));
  expect(await xpath(xmpFile, "//*[local-name()='CreatorTool']")).toBe(str(info['/Creator']));
  // D:20261203002857Z ↔ 2026-12-03T00:28:57Z
  const pdfDate = str(info['/CreationDate']).replace(/^D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d).*$/, '$1-$2-$3T$4:$5:$6');
  expect((await xpath(xmpFile, "//*[local-name()='CreateDate']")).slice(0, 19)).toBe(pdfDate);
  // OutputIntent: GTS_PDFA1 with an RGB ICC profile that parses.
  const intents = catalog['/OutputIntents'] as string[];
  expect(intents).toHaveLength(1);
  const intent = q.get(intents[0]) as Record<string, unknown>;
  expect(intent['/S']).toBe('/GTS_PDFA1');
  const iccRef = intent['/DestOutputProfile'] as string;
  expect((q.get(iccRef) as Record<string, unknown>)['/N']).toBe(3);
  const { stdout: iccBytes } = await run('qpdf', [`--show-object=${iccRef.replace(' 0 R', '')}`, '--filtered-stream-data', file], {
    encoding: 'buffer',
  });
  const icc = parseIcc(iccBytes as unknown as Buffer);
  expect(icc.colorSpace).toBe('RGB');
  expect(icc.description).toContain('sRGB');
  expect((iccBytes as unknown as Buffer).readUInt32BE(0)).toBe((iccBytes as unknown as Buffer).length);
  // Fonts: every one embedded, every one with a ToUnicode map (simple or Type0).
  const fonts = [...q.objects.values()].filter(
    (o) => o.dict['/Type'] === '/Font' && o.dict['/Subtype'] !== '/CIDFontType2' && o.dict['/Subtype'] !== '/CIDFontType0',
  );
  expect(fonts.length).toBeGreaterThan(0);
  for (const f of fonts) {
    expect(f.dict['/ToUnicode'], `ToUnicode of ${String(f.dict['/BaseFont'])}`).toBeDefined();
    const desc =
      f.dict['/Subtype'] === '/Type0'
        ? (q.get((f.dict['/DescendantFonts'] as string[])[0]) as Record<string, QpdfJson['trailer'][string]>)
        : f.dict;
    const fd = q.get(desc['/FontDescriptor']) as Record<string, unknown>;
    expect(
      ['/FontFile', '/FontFile2', '/FontFile3'].some((k) => fd[k] !== undefined),
      `embedded ${String(f.dict['/BaseFont'])}`,
    ).toBe(true);
  }
  // Forbidden keys nowhere: no JavaScript, no additional actions, no encryption dictionary.
  const all = JSON.stringify([...q.objects.values()].map((o) => o.dict));
  for (const k of ['/JavaScript', '/JS', '/AA', '/Launch', '/Encrypt']) expect(all).not.toContain(`"${k}"`);
  expect(q.trailer['/Encrypt']).toBeUndefined();
  return q;
}

describe('PDF/A output', () => {
  it('PDF/A-2b: XMP matches the info dictionary, sRGB OutputIntent, fonts embedded with ToUnicode, ID, no forbidden keys', async () => {
    const doc = await template.generate(invoicePayload(), { output: outputOptionsSchema.parse({ pdfa: '2b', metadata: META }) });
    const q = await checkPdfA(await write(doc.bytes, 'a2b.pdf'), '2');
    const catalog = q.get(q.trailer['/Root']) as Record<string, unknown>;
    expect(catalog['/Lang']).toBe('u:fr-FR');
    const info = q.get(q.trailer['/Info']) as Record<string, unknown>;
    expect(str(info['/Title'])).toBe(META.title);
    expect(str(info['/Keywords'])).toBe('invoice design');
  });

  it('PDF/A-3b of a fillable document: our widgets keep appearances and get the print flag', async () => {
    const doc = await template.generate(invoicePayload(), { flatten: false, output: outputOptionsSchema.parse({ pdfa: '3b' }) });
    const file = await write(doc.bytes, 'a3b-fillable.pdf');
    const q = await checkPdfA(file, '3');
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
