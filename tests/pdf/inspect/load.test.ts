import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument, PDFRawStream, StandardFonts, decodePDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { PdfError, type PdfErrorCode } from '@/pdf/errors.js';
import { DEFAULT_LOAD_LIMITS, loadPdf, type LoadLimits } from '@/pdf/load.js';
import { buildPdf, cyclicPageTreePdf, lyingCountPdf, manyPagesPdf, noPagesPdf } from './raw-pdf.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));

async function expectPdfError(work: Promise<unknown>, code: PdfErrorCode, message?: RegExp): Promise<PdfError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PdfError);
  expect((err as PdfError).code).toBe(code);
  if (message) expect((err as PdfError).message).toMatch(message);
  return err as PdfError;
}

async function smallPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < 3; i++) doc.addPage([300, 300]).drawText(`page ${i + 1} `.repeat(40), { x: 10, y: 150, size: 8, font });
  return doc.save({ useObjectStreams: false });
}

/** Everything the page's content streams draw, decoded (pdf-lib writes Standard-14 text as hex). */
function pageText(doc: PDFDocument): string {
  let out = '';
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFRawStream)) continue;
    const data = Buffer.from(decodePDFRawStream(obj).decode()).toString('latin1');
    for (const m of data.matchAll(/<([0-9A-Fa-f]+)>\s*Tj/g)) out += Buffer.from(m[1], 'hex').toString('latin1');
  }
  return out;
}

describe('loadPdf: bad input gives a typed error', () => {
  it('zero bytes → pdf_empty', async () => {
    await expectPdfError(loadPdf(new Uint8Array()), 'pdf_empty', /empty/);
  });

  it('random bytes → pdf_not_pdf', async () => {
    const random = new Uint8Array(4096).map(() => Math.floor(Math.random() * 256));
    random.set(Buffer.from('XX'), 0); // never accidentally "%PDF-"
    await expectPdfError(loadPdf(random), 'pdf_not_pdf', /not a PDF/);
  });

  it('an HTML page renamed .pdf → pdf_not_pdf naming HTML', async () => {
    const html = Buffer.from('<!DOCTYPE html>\n<html><head><title>Login</title></head><body>Session expired</body></html>');
    const err = await expectPdfError(loadPdf(new Uint8Array(html)), 'pdf_not_pdf', /HTML/);
    expect(err.details).toEqual({ looksLike: 'an HTML page' });
  });

  it('a PNG image → pdf_not_pdf naming PNG', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await expectPdfError(loadPdf(new Uint8Array(png)), 'pdf_not_pdf', /PNG/);
  });

  it('a PDF header followed by garbage → pdf_corrupt', async () => {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x41)]);
    await expectPdfError(loadPdf(new Uint8Array(bytes)), 'pdf_corrupt');
  });

  it('the first half of a real PDF → pdf_corrupt that says truncated', async () => {
    const full = await smallPdf();
    const half = full.subarray(0, Math.floor(full.byteLength / 2));
    const err = await expectPdfError(loadPdf(half), 'pdf_corrupt', /truncated/);
    expect(err.details).toMatchObject({ truncated: true });
  });

  it('more bytes than the limit → pdf_too_large before parsing', async () => {
    const limits: LoadLimits = { ...DEFAULT_LOAD_LIMITS, maxBytes: 100 };
    await expectPdfError(loadPdf(await smallPdf(), limits), 'pdf_too_large', /limit is 100/);
  });

  it('a 10,000-page PDF → pdf_too_many_pages, fast', async () => {
    const bytes = manyPagesPdf(10_000);
    const t0 = performance.now();
    const err = await expectPdfError(loadPdf(bytes), 'pdf_too_many_pages', /10000 pages; the limit is 2000/);
    const ms = performance.now() - t0;
    expect(err.details).toEqual({ pages: 10_000, limit: DEFAULT_LOAD_LIMITS.maxPages });
    expect(ms).toBeLessThan(5_000);
  });

  it('a 10,000-page PDF needs no full parse: refused by the pre-parse /Count scan, with bounded memory', async () => {
    const bytes = manyPagesPdf(10_000);
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    await expectPdfError(loadPdf(bytes), 'pdf_too_many_pages');
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(50 * 1024 * 1024);
  });

  it('the pre-parse scan reads the current page tree of an incrementally updated file, not an old revision', async () => {
    const old = Buffer.from(manyPagesPdf(3000));
    // An update that replaces the page tree root (object 2) by one with a single page.
    const update = '2 0 obj\n<< /Type /Pages /Count 1 /Kids [3 0 R] >>\nendobj\n';
    const prevXref = /startxref\n(\d+)/.exec(old.toString('latin1'))![1];
    const offset = old.length;
    const xrefAt = offset + update.length;
    const tail = `xref\n2 1\n${String(offset).padStart(10, '0')} 00000 n \ntrailer\n<< /Size 3003 /Root 1 0 R /Prev ${prevXref} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    const bytes = new Uint8Array(Buffer.concat([old, Buffer.from(update + tail, 'latin1')]));
    const loaded = await loadPdf(bytes);
    expect(loaded.doc.getPageCount()).toBe(1);
  });

  it('a page tree hidden in object streams is counted after parsing (the parsed root /Count)', async () => {
    const doc = await PDFDocument.create();
    for (let i = 0; i < 30; i++) doc.addPage([100, 100]);
    const bytes = await doc.save({ useObjectStreams: true });
    expect(Buffer.from(bytes).includes('/Type /Pages')).toBe(false); // compressed: the scan cannot see it
    await expectPdfError(loadPdf(bytes, { ...DEFAULT_LOAD_LIMITS, maxPages: 20 }), 'pdf_too_many_pages', /30 pages; the limit is 20/);
    expect((await loadPdf(bytes, { ...DEFAULT_LOAD_LIMITS, maxPages: 30 })).doc.getPageCount()).toBe(30);
  });

  it('a root /Count that lies is caught by the bounded walk', async () => {
    await expectPdfError(loadPdf(lyingCountPdf(50), { ...DEFAULT_LOAD_LIMITS, maxPages: 20 }), 'pdf_too_many_pages', /more than 20/);
  });

  it('a page tree with a cycle is repaired as pdf.js reads it (the loop skipped), no hang', async () => {
    const loaded = await loadPdf(cyclicPageTreePdf());
    expect(loaded.doc.getPageCount()).toBe(1);
    expect(loaded.repaired).toContain('the page tree contains a loop');
  });

  it('no pages → pdf_corrupt', async () => {
    await expectPdfError(loadPdf(noPagesPdf()), 'pdf_corrupt', /no pages/);
  });

  it('parsing slower than the time bound → typed error, no hang', async () => {
    const err = await expectPdfError(loadPdf(manyPagesPdf(1500), { ...DEFAULT_LOAD_LIMITS, timeoutMs: 1 }), 'pdf_too_large', /longer than/);
    expect(err.details).toMatchObject({ reason: 'timeout' });
  });

  it('a normal PDF loads with its page count and is not marked encrypted', async () => {
    const loaded = await loadPdf(await smallPdf());
    expect(loaded.doc.getPageCount()).toBe(3);
    expect(loaded.wasEncrypted).toBe(false);
    expect(loaded.encryption).toBeUndefined();
  });
});

describe('loadPdf: encryption', () => {
  const ownerOnly: Array<[string, number, number]> = [
    ['owner-only-rc4-40.pdf', 1, 2],
    ['owner-only-rc4-128.pdf', 2, 3],
    ['owner-only-aes-128.pdf', 4, 4],
    ['owner-only-aes-256.pdf', 5, 6],
  ];

  it.each(ownerOnly)('%s (owner password only) opens, decrypted: metadata, fields, page text', async (name, v, r) => {
    const input = fixture(name);
    const loaded = await loadPdf(input);
    expect(loaded.wasEncrypted).toBe(true);
    expect(loaded.encryption).toMatchObject({ version: v, revision: r });
    expect(loaded.bytes).not.toBe(input);
    const { doc } = loaded;
    expect(doc.isEncrypted).toBe(false);
    expect(doc.getTitle()).toBe('Owner-only fixture');
    expect(doc.getAuthor()).toBe('PDF Studio tests');
    expect(doc.getForm().getTextField('applicant.name').getText()).toBe('Jane');
    expect(doc.getForm().getCheckBox('agree').isChecked()).toBe(true);
    expect(pageText(doc)).toContain('Encrypted fixture form');
    // The returned bytes are a plain PDF that pdf-lib alone opens (what fill/generate will use).
    const again = await PDFDocument.load(loaded.bytes);
    expect(again.isEncrypted).toBe(false);
    expect(Buffer.from(loaded.bytes).includes('/Encrypt')).toBe(false);
  });

  // An independent reader (poppler, installed by .ci/run) must see a plain, unencrypted PDF with the text.
  const poppler = spawnSync('pdfinfo', ['-v']).error === undefined;
  it.skipIf(!poppler)(
    'decrypted bytes read back with poppler: not encrypted, same title and page text (skipped without poppler-utils)',
    async () => {
      const { bytes } = await loadPdf(fixture('owner-only-rc4-128.pdf'));
      const file = path.join(os.tmpdir(), `decrypted-${process.pid}.pdf`);
      fs.writeFileSync(file, bytes);
      try {
        const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout;
        expect(info).toMatch(/^Encrypted:\s+no$/m);
        expect(info).toMatch(/^Title:\s+Owner-only fixture$/m);
        expect(spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout).toContain('Encrypted fixture form');
      } finally {
        fs.rmSync(file, { force: true });
      }
    },
  );

  it('an owner-only file can be filled and read back', async () => {
    const { doc } = await loadPdf(fixture('owner-only-aes-256.pdf'));
    doc.getForm().getTextField('applicant.name').setText('Émile Zola');
    doc.getForm().getCheckBox('agree').uncheck();
    const filled = await PDFDocument.load(await doc.save());
    expect(filled.getForm().getTextField('applicant.name').getText()).toBe('Émile Zola');
    expect(filled.getForm().getCheckBox('agree').isChecked()).toBe(false);
  });

  it('a certificate-encrypted PDF (not the standard handler) → pdf_encrypted naming the handler', async () => {
    const bytes = buildPdf(
      [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Count 1 /Kids [4 0 R] >>',
        '<< /Filter /Adobe.PubSec /V 4 /R 4 /Recipients [<00>] >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
      ],
      '/Encrypt 3 0 R /ID [<0011> <0011>] ',
    );
    const err = await expectPdfError(loadPdf(bytes), 'pdf_encrypted', /Adobe\.PubSec/);
    expect(err.details).toMatchObject({ needsPassword: false });
  });

  it.each(['user-password-aes-256.pdf', 'user-password-rc4-128.pdf'])(
    '%s needs a user password → pdf_encrypted saying so',
    async (name) => {
      const err = await expectPdfError(loadPdf(fixture(name)), 'pdf_encrypted', /password/);
      expect(err.details).toEqual({ needsPassword: true });
    },
  );
});
