import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { compileTemplate, type EngineField } from '@/pdf/index.js';
import { inspect } from '@/pdf/inspect/index.js';
import { loadPdf } from '@/pdf/load.js';
import { corpusDir } from '../../helpers/corpus.js';
import { pageText } from '../../helpers/pdf-readback.js';
import { pageCounts } from '../readers.js';
import { field } from '../render/support.js';
import { rc4V4Pdf } from './rc4-v4.js';

/**
 * Encryption edge cases of real files: RC4 with a 40-bit key under /V 4 crypt filters, AES-256
 * with an empty user password, and /AuthEvent /EFOpen (only the attachments are encrypted). Each
 * opens without a password, fills, and its output reads back in pdf.js, pdf-lib and poppler.
 */

/** What poppler (independent of our decryption) reads: pdfinfo's lines and the page text. */
function poppler(bytes: Uint8Array): { info: string; text: string } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'enc-')), 'in.pdf');
  fs.writeFileSync(file, bytes);
  try {
    return {
      info: spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout,
      text: spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout,
    };
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

const note = (): EngineField => field({ bindingKey: 'note', position: { x: 20, y: 20 }, size: { width: 200, height: 20 } });

describe('RC4 with a 40-bit key under /V 4 crypt filters', () => {
  const input = rc4V4Pdf({ owner: 'owner1', title: 'RC4 forty', pageText: 'Forty-bit page', fieldName: 'applicant', fieldValue: 'Jane' });

  it('the fixture is what poppler reads as RC4-encrypted, with its title and text', () => {
    const { info, text } = poppler(input);
    expect(info).toMatch(/^Encrypted:\s+yes .*algorithm:RC4/m);
    expect(info).toMatch(/^Title:\s+RC4 forty$/m);
    expect(text).toContain('Forty-bit page');
  });

  it('opens without a password, decrypted: metadata, form value, page text', async () => {
    const loaded = await loadPdf(input);
    expect(loaded.encryption).toMatchObject({ version: 4, revision: 4 });
    expect(loaded.doc.getTitle()).toBe('RC4 forty');
    expect(loaded.doc.getForm().getTextField('applicant').getText()).toBe('Jane');
    expect(await pageText(loaded.bytes)).toContain('Forty-bit page');
  });

  it('fills and writes back: flattened and fillable outputs read in three readers', async () => {
    const imported = (await inspect(input)).suggestedFields.map((s, i) => ({ fieldId: `i${i}`, ...s }) as EngineField);
    const compiled = await compileTemplate(input, [note(), ...imported]);
    const payload = { note: 'Written back', [imported[0].bindingKey]: 'Grace' };
    const flat = (await compiled.generate(payload)).bytes;
    expect(await pageCounts(flat)).toMatchObject({ pdfjs: 1, pdfLib: 1, poppler: 1 });
    const { info, text } = poppler(flat);
    expect(info).toMatch(/^Encrypted:\s+no$/m);
    expect(info).toMatch(/^Title:\s+RC4 forty$/m);
    expect(text).toContain('Forty-bit page');
    expect(text).toContain('Written back');
    expect(text).toContain('Grace');
    const fillable = (await compiled.generate(payload, { flatten: false })).bytes;
    expect((await PDFDocument.load(fillable)).getForm().getTextField('applicant').getText()).toBe('Grace');
  });
});

const qpdf = corpusDir('qpdf');
describe.skipIf(!qpdf.dir)('qpdf corpus: AES-256 with an empty user password, /EFOpen', () => {
  const read = (name: string) => new Uint8Array(fs.readFileSync(path.join(qpdf.dir!, name)));

  it.each(['copied-positive-P.pdf', 'encrypted-positive-P.pdf', 'enc-XI-R6,V5,O=master.pdf'])(
    '%s (AES-256, R6, empty user password) opens and fills',
    async (name) => {
      const r = await inspect(read(name));
      expect(r.encryption).toMatchObject({ version: 5, revision: 6 });
      const out = (await (await compileTemplate(read(name), [note()])).generate({ note: 'Filled AES' })).bytes;
      const counts = await pageCounts(out);
      expect(counts).toMatchObject({ pdfjs: r.pageCount, pdfLib: r.pageCount, poppler: r.pageCount });
      expect(poppler(out).text).toContain('Filled AES');
    },
  );

  it.each(['enc-XI-R6,V5,U=attachment,encrypted-attachments.pdf', 'nontrivial-crypt-filter.pdf', 'unfilterable-with-crypt.pdf'])(
    '%s (/EFOpen: attachments only) opens without a password and keeps its attachments encrypted',
    async (name) => {
      const input = read(name);
      const r = await inspect(input);
      expect(r.encryption).toMatchObject({ attachmentsOnly: true });
      expect(r.notes.join(' ')).toMatch(/attachments/);
      const out = (await (await compileTemplate(input, [note()])).generate({ note: 'Filled EFOpen' })).bytes;
      // The /Encrypt dictionary stays (it still guards the attachments), so pdf-lib reads it with ignoreEncryption.
      const back = await PDFDocument.load(out, { ignoreEncryption: true });
      expect(back.context.trailerInfo.Encrypt).toBeDefined();
      expect(back.getPageCount()).toBe(r.pageCount);
      const { info, text } = poppler(out);
      expect(Number(/^Pages:\s+(\d+)/m.exec(info)?.[1])).toBe(r.pageCount);
      expect(text).toContain('Potato');
      expect(text).toContain('Filled EFOpen');
      expect(await pageText(out)).toContain('Filled EFOpen');
    },
  );
});
