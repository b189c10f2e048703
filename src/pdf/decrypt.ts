import type * as Cantoo from '@cantoo/pdf-lib';
import type { PDFDict as CantooDict, PDFDocument as CantooDocument } from '@cantoo/pdf-lib';
import { PdfError } from './errors.js';

export interface EncryptionInfo {
  /** /V of the encryption dictionary: 1-2 RC4, 4 crypt filters (RC4 or AES-128), 5 AES-256. */
  version: number;
  /** /R: 2 (RC4-40), 3 (RC4-128), 4 (crypt filters), 5/6 (AES-256). */
  revision: number;
  /** /P: the permission bits the owner set (printing, copying, …); we only report them. */
  permissions: number;
  /**
   * /AuthEvent /EFOpen with Identity stream and string filters: only embedded files are
   * encrypted. The document opens as it is, keeps its /Encrypt (its attachments stay protected by
   * their password) and what we add is written in the clear, as its Identity filters say.
   */
  attachmentsOnly?: boolean;
  /** Damage to the encryption parameters worked around to open the file, in words. */
  repaired?: string[];
}

type Lib = typeof Cantoo;

/**
 * Opens an encrypted PDF with the empty user password and returns plain bytes for the rest of the
 * engine (pdf-lib cannot decrypt). The decryption itself is @cantoo/pdf-lib's (a maintained pdf-lib
 * fork carrying pdf.js's standard security handler: RC4 40/128, AES-128 crypt filters, AES-256
 * R5/R6), so we do not hand-write crypto. What we add, learnt from files qpdf writes: the fork keeps
 * object-stream and cross-reference-stream objects in its document (the latter as an undecryptable
 * "invalid object" still carrying /Encrypt, which would make the saved file look encrypted again on
 * the next parse) and loses the trailer's /Info (metadata) and /ID; we drop the former and restore
 * the latter from a parse without decryption, which also tells us whether the file is encrypted at all.
 * Damaged encryption parameters that qpdf reads past (a missing /ID, a wrong /Length) are repaired
 * first: see `repairParameters`. Returns undefined when the file is not encrypted (the /Encrypt
 * sniff was a false hit).
 */
export async function decryptOwnerOnly(input: Uint8Array): Promise<{ bytes: Uint8Array; encryption: EncryptionInfo } | undefined> {
  // Loaded on first use: the fork takes ~0.2 s to import, which every batch worker would pay at start-up.
  const lib = await import('@cantoo/pdf-lib');
  const { PDFDict: Dict, PDFDocument: Doc, PDFName: Name, PDFNumber: Num, PDFRawStream: RawStream, PDFRef: Ref } = lib;
  let plain: CantooDocument;
  try {
    // The fork rather than pdf-lib for this look: it can be told not to log every undecryptable object.
    plain = await Doc.load(input, {
      ignoreEncryption: true,
      updateMetadata: false,
      warnOnInvalidObjects: false,
      parseSpeed: lib.ParseSpeeds.Fast,
    });
  } catch {
    return undefined; // not parseable at all: the ordinary parse reports the corruption
  }
  const trailer = plain.context.trailerInfo;
  const encryptDict = plain.context.lookup(trailer.Encrypt);
  if (!(encryptDict instanceof Dict)) return undefined;
  const num = (key: string): number => {
    const v = encryptDict.lookup(Name.of(key));
    return v instanceof Num ? v.asNumber() : 0;
  };
  const encryption: EncryptionInfo = { version: num('V'), revision: num('R'), permissions: num('P') };
  const filter = encryptDict.lookup(Name.of('Filter'));
  if (filter !== Name.of('Standard')) {
    throw new PdfError(
      'pdf_encrypted',
      `The PDF is encrypted with the ${String(filter)} security handler (certificates or DRM), which we cannot open`,
      { needsPassword: false, handler: String(filter) },
    );
  }
  // Only the attachments are encrypted: nothing to decrypt for pages, fields or metadata, and no
  // password to ask for (the user password, if any, opens the attachments only).
  if (attachmentsOnly(encryptDict, lib)) return { bytes: input, encryption: { ...encryption, attachmentsOnly: true } };

  const repair = await repairParameters(input, plain, encryptDict, lib);
  if (repair.repaired.length > 0) encryption.repaired = repair.repaired;
  let doc: CantooDocument;
  try {
    doc = await Doc.load(repair.bytes, {
      password: '',
      updateMetadata: false,
      warnOnInvalidObjects: false,
      parseSpeed: lib.ParseSpeeds.Fast,
    });
  } catch (err) {
    const msg = (err as Error).message;
    if (/needs password|password incorrect/i.test(msg)) {
      throw new PdfError('pdf_encrypted', 'The PDF is encrypted with a password that is required to open it; upload an unprotected copy', {
        needsPassword: true,
      });
    }
    throw new PdfError('pdf_encrypted', `The PDF uses an encryption we cannot open (V=${encryption.version}, R=${encryption.revision})`, {
      needsPassword: false,
    });
  }
  const ctx = doc.context;
  if (!ctx.isDecrypted) return undefined;

  const structural = (obj: unknown): boolean => {
    const type = obj instanceof RawStream ? obj.dict.lookup(Name.of('Type')) : undefined;
    return type === Name.of('XRef') || type === Name.of('ObjStm');
  };
  for (const [ref, obj] of ctx.enumerateIndirectObjects()) {
    if (structural(obj) || structural(plain.context.lookup(ref))) ctx.delete(ref);
  }
  // Both the original encryption dictionary and a repaired copy go: the output is written in the clear.
  for (const ref of [trailer.Encrypt, ctx.trailerInfo.Encrypt]) if (ref instanceof Ref) ctx.delete(ref);
  ctx.trailerInfo.Encrypt = undefined;
  if (trailer.Info) ctx.trailerInfo.Info = trailer.Info;
  // A damaged /ID is not carried over (it is optional in an unencrypted file).
  ctx.trailerInfo.ID = repair.validId ? trailer.ID : undefined;
  try {
    const bytes = await doc.save({ useObjectStreams: false, updateFieldAppearances: false });
    return { bytes, encryption };
  } catch {
    throw new PdfError('pdf_corrupt', 'The encrypted PDF could not be rewritten after decryption: its objects are damaged');
  }
}

/** Key lengths (bits) RC4 accepts in the standard security handler: 40 to 128 in steps of 8. */
const RC4_KEY_BITS = Array.from({ length: 12 }, (_, i) => 40 + 8 * i);

/**
 * Two kinds of damage to the encryption parameters that qpdf opens through (with a warning) and the
 * fork does not:
 * - the trailer's /ID is missing or is not an array starting with a string: the key is derived with
 *   an empty file identifier, as qpdf (and pdf.js, for a missing /ID) do; the fork would crash;
 * - /Length of an RC4 dictionary (/V 1 or 2) is missing, out of range or wrong: for /V 1 the spec
 *   fixes 40 bits; otherwise the declared length, then qpdf's assumption of 128 bits, then the
 *   spec's default of 40, then a length given in bytes, then every other valid length are tried.
 * Each candidate is checked by the fork's own password check on a tiny document holding only the
 * candidate dictionary and file identifier (microseconds), so no crypto is written here and a file
 * whose user password is really required is still refused as such after the few checks.
 * When something is repaired, the corrected dictionary and /ID are appended to the input as an
 * incremental update (the fork's parser lets a later trailer win), which the decryption then reads.
 */
async function repairParameters(
  input: Uint8Array,
  plain: CantooDocument,
  dict: CantooDict,
  lib: Lib,
): Promise<{ bytes: Uint8Array; repaired: string[]; validId: boolean }> {
  const { PDFArray: Arr, PDFHexString: Hex, PDFName: Name, PDFNumber: Num, PDFString: Str } = lib;
  const ids = plain.context.lookup(plain.context.trailerInfo.ID);
  const first = ids instanceof Arr ? plain.context.lookup(ids.get(0)) : undefined;
  const validId = first instanceof Str || first instanceof Hex;
  const idText = validId && ids instanceof Arr ? ids.toString() : '[<> <>]';
  const repaired = validId ? [] : ['the trailer has no valid /ID: the key was derived with an empty file identifier'];

  const declared = dict.lookup(Name.of('Length'));
  const bits = declared instanceof Num ? declared.asNumber() : undefined;
  const version = dict.lookup(Name.of('V'));
  const v = version instanceof Num ? version.asNumber() : 0;
  const asIs = dict.toString();
  let dictText = asIs;
  if ((v === 1 || v === 2) && !(await opensWithEmptyPassword(asIs, idText, lib))) {
    const withLength = (n: number): string => {
      const copy = dict.clone();
      copy.set(Name.of('Length'), Num.of(n));
      return copy.toString();
    };
    const candidates = [
      ...new Set([...(v === 1 ? [40] : []), ...(bits ? [bits] : []), 128, 40, ...(bits ? [bits * 8] : []), ...RC4_KEY_BITS]),
    ];
    for (const n of candidates.filter((c) => RC4_KEY_BITS.includes(c))) {
      const text = withLength(n);
      if (!(await opensWithEmptyPassword(text, idText, lib))) continue;
      dictText = text;
      repaired.push(`the encryption dictionary's /Length is ${bits === undefined ? 'missing' : `wrong (${bits})`}: the key is ${n} bits`);
      break;
    }
  }
  if (repaired.length === 0) return { bytes: input, repaired, validId };
  const ref = plain.context.largestObjectNumber + 1;
  const update = `\n${ref} 0 obj\n${dictText}\nendobj\ntrailer\n<< /Encrypt ${ref} 0 R /ID ${idText} >>\n%%EOF\n`;
  return { bytes: Buffer.concat([input, Buffer.from(update, 'latin1')]), repaired, validId };
}

/** The fork's standard security handler, asked whether these parameters open with the empty user password. */
async function opensWithEmptyPassword(encryptDict: string, id: string, lib: Lib): Promise<boolean> {
  const probe = [
    '%PDF-1.4',
    '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj',
    '2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj',
    `3 0 obj\n${encryptDict}\nendobj`,
    `trailer\n<< /Size 4 /Root 1 0 R /Encrypt 3 0 R /ID ${id} >>`,
    '%%EOF',
  ].join('\n');
  try {
    const doc = await lib.PDFDocument.load(Buffer.from(probe, 'latin1'), { password: '', updateMetadata: false });
    return doc.context.isDecrypted;
  } catch {
    return false;
  }
}

/**
 * /AuthEvent /EFOpen (PDF 32000-1 §7.6.5): the crypt filter of embedded files is asked for when an
 * attachment is opened; the document's streams and strings use /StmF and /StrF, whose default is
 * /Identity (no encryption). Only when both are Identity does the document open without a key.
 */
function attachmentsOnly(dict: CantooDict, lib: Pick<Lib, 'PDFDict' | 'PDFName'>): boolean {
  const { PDFDict: Dict, PDFName: Name } = lib;
  const identity = (key: string): boolean => {
    const v = dict.lookup(Name.of(key));
    return v === undefined || v === Name.of('Identity');
  };
  const eff = dict.lookup(Name.of('EFF'));
  const cf = dict.lookup(Name.of('CF'));
  if (!(eff instanceof Name) || eff === Name.of('Identity') || !(cf instanceof Dict)) return false;
  const filter = cf.lookup(Name.of(eff.decodeText()));
  return identity('StmF') && identity('StrF') && filter instanceof Dict && filter.lookup(Name.of('AuthEvent')) === Name.of('EFOpen');
}
