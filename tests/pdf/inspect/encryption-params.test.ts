import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileTemplate, type EngineField } from '@/pdf/index.js';
import { inspect } from '@/pdf/inspect/index.js';
import { loadPdf } from '@/pdf/load.js';
import { corpusDir } from '../../helpers/corpus.js';
import { pageText } from '../../helpers/pdf-readback.js';
import { pageCounts } from '../readers.js';
import { field } from '../render/support.js';
import { rc4V2Pdf, type Rc4Options } from './rc4-v4.js';

/**
 * Damaged encryption parameters that qpdf opens through: a trailer without a valid /ID (the key is
 * derived with an empty file identifier) and an RC4 dictionary whose /Length is missing or wrong.
 * The fixtures are written by hand (rc4-v4.ts) and checked by qpdf, independently of our code.
 */

const opts = (title: string, extra: Partial<Rc4Options> = {}): Rc4Options => ({
  owner: 'owner1',
  title,
  pageText: `${title} page`,
  fieldName: 'applicant',
  fieldValue: 'Jane',
  ...extra,
});

/** qpdf's reading of the fixture: its warnings and the decrypted page content. */
function qpdfReads(bytes: Uint8Array): { ok: boolean; decrypted: string; warnings: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encp-'));
  const file = path.join(dir, 'in.pdf');
  fs.writeFileSync(file, bytes);
  try {
    const r = spawnSync('qpdf', ['--decrypt', '--qdf', '--object-streams=disable', file, '-'], { encoding: 'latin1' });
    return { ok: r.status === 0 || r.status === 3, decrypted: r.stdout, warnings: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const cases: Array<{ name: string; pdf: Uint8Array; note: RegExp; truth?: Uint8Array }> = [
  { name: 'no /ID in the trailer', pdf: rc4V2Pdf(opts('No ID'), { keyBytes: 16, lengthEntry: '/Length 128', id: false }), note: /\/ID/ },
  {
    name: 'an /ID that is a number',
    pdf: rc4V2Pdf(opts('Number ID'), { keyBytes: 16, lengthEntry: '/Length 128', id: '42' }),
    note: /\/ID/,
  },
  {
    name: 'an /ID array of names',
    pdf: rc4V2Pdf(opts('Name ID'), { keyBytes: 16, lengthEntry: '/Length 128', id: '[/A /B]' }),
    note: /\/ID/,
  },
  {
    name: '/Length missing, 128-bit key',
    pdf: rc4V2Pdf(opts('No length'), { keyBytes: 16, lengthEntry: '' }),
    note: /Length is missing.*128 bits/,
  },
  {
    name: '/Length 40 on a 128-bit key',
    pdf: rc4V2Pdf(opts('Short length'), { keyBytes: 16, lengthEntry: '/Length 40' }),
    note: /wrong \(40\).*128 bits/,
    truth: rc4V2Pdf(opts('Short length'), { keyBytes: 16, lengthEntry: '/Length 128' }),
  },
  {
    name: '/Length in bytes (16)',
    pdf: rc4V2Pdf(opts('Bytes length'), { keyBytes: 16, lengthEntry: '/Length 16' }),
    note: /wrong \(16\).*128 bits/,
  },
  {
    name: '/Length 128 on a 56-bit key',
    pdf: rc4V2Pdf(opts('Odd length'), { keyBytes: 7, lengthEntry: '/Length 128' }),
    note: /wrong \(128\).*56 bits/,
    truth: rc4V2Pdf(opts('Odd length'), { keyBytes: 7, lengthEntry: '/Length 56' }),
  },
];

describe('damaged encryption parameters (hand-made RC4 /V 2 /R 3 fixtures)', () => {
  // qpdf believes a /Length in range: a lying one is checked through its twin with the true length
  // (the same bytes but that entry), which qpdf must decrypt.
  it.each(cases)('qpdf decrypts the fixture with $name', ({ name, pdf, truth }) => {
    const { ok, decrypted } = qpdfReads(truth ?? pdf);
    expect(ok, name).toBe(true);
    expect(decrypted).toMatch(/\(\w[\w ]* page\) Tj/);
  });

  it.each(cases)('$name: opens without a password, decrypted, and says what was repaired', async ({ pdf, note }) => {
    const loaded = await loadPdf(pdf);
    expect(loaded.encryption).toMatchObject({ version: 2, revision: 3 });
    expect(loaded.encryption?.repaired?.join(' ')).toMatch(note);
    expect(loaded.doc.getForm().getTextField('applicant').getText()).toBe('Jane');
    const title = loaded.doc.getTitle() ?? '';
    expect(await pageText(loaded.bytes)).toContain(`${title} page`);
    const r = await inspect(pdf);
    expect(r.encrypted).toBe(true);
    expect(r.encryption).not.toHaveProperty('repaired');
    expect(r.notes.join(' ')).toMatch(note);
  });

  it('an intact /V 2 file is decrypted without any repair', async () => {
    const loaded = await loadPdf(rc4V2Pdf(opts('Intact'), { keyBytes: 16, lengthEntry: '/Length 128' }));
    expect(loaded.encryption?.repaired).toBeUndefined();
    expect(await pageText(loaded.bytes)).toContain('Intact page');
  });

  it('a file that really needs a user password is still refused as such, with or without /Length', async () => {
    for (const lengthEntry of ['/Length 128', '']) {
      const pdf = rc4V2Pdf(opts('Locked', { user: 'secret' }), { keyBytes: 16, lengthEntry });
      await expect(loadPdf(pdf)).rejects.toMatchObject({ code: 'pdf_encrypted', details: { needsPassword: true } });
    }
  });
});

const qpdf = corpusDir('qpdf');
describe.skipIf(!qpdf.dir)('qpdf corpus: invalid /ID and bad /Length', () => {
  const note = (): EngineField => field({ bindingKey: 'note', position: { x: 20, y: 20 }, size: { width: 200, height: 20 } });
  it.each(['invalid-id-xref.pdf', 'bad-encryption-length.pdf'])('%s opens without a password and fills', async (name) => {
    const input = new Uint8Array(fs.readFileSync(path.join(qpdf.dir!, name)));
    const r = await inspect(input);
    expect(r.encrypted).toBe(true);
    const out = (await (await compileTemplate(input, [note()])).generate({ note: 'Filled repaired' })).bytes;
    expect(await pageCounts(out)).toMatchObject({ pdfjs: 1, pdfLib: 1, poppler: 1 });
    const text = await pageText(out);
    expect(text).toContain('Potato');
    expect(text).toContain('Filled repaired');
  });
});
