import { createHash } from 'node:crypto';
import { buildPdf } from './raw-pdf.js';

/**
 * A PDF encrypted with the standard security handler at /V 4 /R 4 whose crypt filter is RC4
 * (/CFM /V2) with a 40-bit key, the combination Acrobat 6+ may write and no tool at hand does
 * (qpdf writes 40-bit keys only at /V 1). Written here by the algorithms of PDF 32000-1 §7.6.3
 * (1: object keys, 2: file key, 3: /O, 5: /U) with an empty user password; qpdf reads it back in
 * the test, so the fixture is checked independently of the code under test. RC4 is hand-written
 * because OpenSSL 3 builds of Node leave it out.
 */

const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + s[i]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
    out[n] = data[n] ^ s[(s[i] + s[j]) & 255];
  }
  return out;
}

const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();
const padded = (pw: string) => Buffer.concat([Buffer.from(pw, 'latin1'), PAD]).subarray(0, 32);

/** RC4 19 more times with the key XOR 1..19 (R3 and later). */
function rc4Rounds(key: Buffer, data: Buffer): Buffer {
  let out = rc4(key, data);
  for (let i = 1; i <= 19; i++) out = rc4(Buffer.from(key.map((b) => b ^ i)), out);
  return out;
}

export interface Rc4Options {
  owner: string;
  title: string;
  pageText: string;
  fieldName: string;
  fieldValue: string;
  /** The user password (empty unless given: the file then needs it to open). */
  user?: string;
}

export function rc4V4Pdf(opts: Rc4Options): Uint8Array {
  return rc4Pdf(opts, {
    keyBytes: 5,
    encrypt: (O, U, P) =>
      `<< /Filter /Standard /V 4 /R 4 /Length 40 /CF << /StdCF << /CFM /V2 /Length 5 /AuthEvent /DocOpen >> >> ` +
      `/StmF /StdCF /StrF /StdCF /O <${O}> /U <${U}> /P ${P} >>`,
  });
}

/**
 * RC4 at /V 2 /R 3 with a key of `keyBytes`, and damage the key derivation must see through:
 * `lengthEntry` is written in the dictionary as it is (e.g. missing, or lying), and `id` false
 * leaves /ID out of the trailer (the key is then derived with an empty identifier, as qpdf does),
 * or `id` a string writes that as the trailer's /ID value.
 */
export function rc4V2Pdf(opts: Rc4Options, damage: { keyBytes: number; lengthEntry: string; id?: false | string }): Uint8Array {
  return rc4Pdf(opts, {
    keyBytes: damage.keyBytes,
    encrypt: (O, U, P) => `<< /Filter /Standard /V 2 /R 3 ${damage.lengthEntry} /O <${O}> /U <${U}> /P ${P} >>`,
    ...(damage.id !== undefined ? { id: damage.id } : {}),
  });
}

function rc4Pdf(
  opts: Rc4Options,
  how: { keyBytes: number; encrypt: (O: string, U: string, P: number) => string; id?: false | string },
): Uint8Array {
  const KEY_BYTES = how.keyBytes;
  const id = how.id === undefined ? md5(Buffer.from(opts.title)) : Buffer.alloc(0);
  const permissions = -4;
  // Algorithm 3: /O from the owner password.
  let ownerKey = md5(padded(opts.owner));
  for (let i = 0; i < 50; i++) ownerKey = md5(ownerKey.subarray(0, KEY_BYTES));
  const O = rc4Rounds(ownerKey.subarray(0, KEY_BYTES), padded(opts.user ?? ''));
  // Algorithm 2: the file key from the (empty) user password.
  const p = Buffer.alloc(4);
  p.writeInt32LE(permissions);
  let key = md5(padded(opts.user ?? ''), O, p, id);
  for (let i = 0; i < 50; i++) key = md5(key.subarray(0, KEY_BYTES));
  key = key.subarray(0, KEY_BYTES);
  // Algorithm 5: /U.
  const U = Buffer.concat([rc4Rounds(key, md5(PAD, id)), Buffer.alloc(16)]);
  // Algorithm 1: each object's strings and streams under its own key.
  const objectKey = (num: number) => {
    const n = Buffer.from([num & 255, (num >> 8) & 255, (num >> 16) & 255, 0, 0]);
    return md5(key, n).subarray(0, Math.min(KEY_BYTES + 5, 16));
  };
  const str = (num: number, s: string) => `<${rc4(objectKey(num), Buffer.from(s, 'latin1')).toString('hex')}>`;
  const content = `BT /F1 14 Tf 20 150 Td (${opts.pageText}) Tj ET`;
  const encContent = rc4(objectKey(4), Buffer.from(content, 'latin1')).toString('latin1');
  return buildPdf(
    [
      '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] >> >>',
      '<< /Type /Pages /Count 1 /Kids [3 0 R] >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Annots [5 0 R] ' +
        '/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>',
      `<< /Length ${encContent.length} >>\nstream\n${encContent}\nendstream`,
      `<< /FT /Tx /T ${str(5, opts.fieldName)} /V ${str(5, opts.fieldValue)} /DA ${str(5, '/Helvetica 12 Tf 0 g')} ` +
        '/Type /Annot /Subtype /Widget /Rect [20 80 220 100] /P 3 0 R >>',
      `<< /Title ${str(6, opts.title)} >>`,
      how.encrypt(O.toString('hex'), U.toString('hex'), permissions),
    ],
    `/Encrypt 7 0 R /Info 6 0 R ${how.id === undefined ? `/ID [<${id.toString('hex')}> <${id.toString('hex')}>]` : how.id === false ? '' : `/ID ${how.id}`} `,
  );
}
