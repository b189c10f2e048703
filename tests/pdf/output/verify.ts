/**
 * Verdicts of independent tools on an output file, shared by the engine and API tests: the
 * B-T timestamp token checked by `openssl ts -verify` against the test authority's CA, pdfsig's
 * report, and pdf.js opening (or refusing) an encrypted file.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadPdfJs } from '../../helpers/pdfjs.js';
import { run, signatureCms, type Pki } from './support.js';

const TIMESTAMP_TOKEN_OID = '1.2.840.113549.1.9.16.2.14';

/** pdfsig's report (its exit code is not 0 for unsigned or invalid files, so stdout is kept). */
export async function pdfsig(file: string): Promise<string> {
  const { stdout } = await run('pdfsig', [file]).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  return stdout;
}

/**
 * The signature's RFC 3161 token verified by openssl against the CA: the token's imprint must be
 * the SHA-256 of the signature value (ETSI EN 319 122 signature-time-stamp). `imprint` overrides
 * it to show the check can fail.
 */
export async function verifyTimestamp(pdf: Uint8Array, pki: Pki, imprint?: string): Promise<string> {
  const signer = signatureCms(pdf).cms.signerInfos[0];
  const attr = signer.unsignedAttrs?.attributes.find((a) => a.type === TIMESTAMP_TOKEN_OID);
  if (!attr) return 'no timestamp token';
  const tokenFile = path.join(pki.dir, `token-${Date.now()}-${Math.random().toString(36).slice(2)}.der`);
  writeFileSync(tokenFile, new Uint8Array(attr.values[0].toBER(false)));
  const digest = imprint ?? createHash('sha256').update(new Uint8Array(signer.signature.valueBlock.valueHexView)).digest('hex');
  const args = ['ts', '-verify', '-digest', digest, '-in', tokenFile, '-token_in', '-CAfile', pki.caPem, '-untrusted', pki.tsaPem];
  const out = await run('openssl', args).catch((e: { stdout?: string; stderr?: string }) => ({
    stdout: `${e.stdout ?? ''}${e.stderr ?? ''}`,
  }));
  return out.stdout.trim();
}

/** Page 1's text through pdf.js, opened with the given password (rejects with PasswordException). */
export async function pdfjsText(bytes: Uint8Array, password?: string): Promise<string> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({ data: new Uint8Array(bytes), password, disableFontFace: true, verbosity: 0 });
  try {
    const doc = await task.promise;
    const content = await (await doc.getPage(1)).getTextContent();
    return content.items.map((i) => ('str' in i ? i.str : '')).join(' ');
  } finally {
    await task.destroy();
  }
}
