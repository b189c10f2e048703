import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument } from '@cantoo/pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileTemplate, type CompiledTemplate } from '@/pdf/index.js';
import { PdfError } from '@/pdf/errors.js';
import { outputOptionsSchema } from '@/shared/domain/output.js';
import {
  SIGNER_PASSWORD,
  invoiceBase,
  invoiceFields,
  invoicePayload,
  makePki,
  run,
  signatureCms,
  startTsa,
  type Pki,
  type Tsa,
} from './support.js';

let pki: Pki;
let tsa: Tsa;
let template: CompiledTemplate;

beforeAll(async () => {
  pki = await makePki();
  tsa = await startTsa(pki);
  template = await compileTemplate(await invoiceBase(), invoiceFields());
}, 60_000);
afterAll(async () => {
  await tsa?.close();
  pki?.cleanup();
});

async function pdfsig(bytes: Uint8Array, name: string): Promise<string> {
  const file = path.join(pki.dir, name);
  writeFileSync(file, bytes);
  const { stdout } = await run('pdfsig', [file]).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  return stdout;
}

const secrets = () => ({ certificate: { p12: pki.p12, password: SIGNER_PASSWORD } });

describe('PAdES signatures', () => {
  it('B-B: pdfsig reports a valid ETSI.CAdES.detached signature over the whole document', async () => {
    const output = outputOptionsSchema.parse({ signature: { level: 'B-B', reason: 'Approved', location: 'Paris' } });
    const doc = await template.generate(invoicePayload(), { output, secrets: secrets() });
    const out = await pdfsig(doc.bytes, 'bb.pdf');
    expect(out).toContain('Signature is Valid');
    expect(out).toContain('Total document signed');
    expect(out).toContain('ETSI.CAdES.detached');
    expect(out).toContain('Alice Signer');
    const { cms } = signatureCms(doc.bytes);
    const types = cms.signerInfos[0].signedAttrs!.attributes.map((a) => a.type);
    // B-B: signing-certificate-v2 present, signing-time absent.
    expect(types).toContain('1.2.840.113549.1.9.16.2.47');
    expect(types).not.toContain('1.2.840.113549.1.9.5');
    expect(cms.signerInfos[0].unsignedAttrs).toBeUndefined();
  });

  it('B-T: the signature carries a timestamp token that openssl verifies against the local authority', async () => {
    const before = tsa.requests;
    const output = outputOptionsSchema.parse({ signature: { level: 'B-T', timestampUrl: tsa.url } });
    const doc = await template.generate(invoicePayload(), { output, secrets: secrets() });
    expect(tsa.requests).toBe(before + 1);
    const out = await pdfsig(doc.bytes, 'bt.pdf');
    expect(out).toContain('Signature is Valid');
    expect(out).toContain('Total document signed');
    const { cms } = signatureCms(doc.bytes);
    const signer = cms.signerInfos[0];
    const tokenAttr = signer.unsignedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.16.2.14')!;
    const tokenFile = path.join(pki.dir, 'token.der');
    writeFileSync(tokenFile, new Uint8Array(tokenAttr.values[0].toBER(false)));
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(new Uint8Array(signer.signature.valueBlock.valueHexView)).digest('hex');
    const { stdout } = await run('openssl', [
      'ts',
      '-verify',
      '-digest',
      digest,
      '-in',
      tokenFile,
      '-token_in',
      '-CAfile',
      pki.caPem,
      '-untrusted',
      pki.tsaPem,
    ]);
    expect(stdout).toContain('Verification: OK');
    // A token over another imprint does not verify: the check can fail.
    const other = await run('openssl', [
      'ts',
      '-verify',
      '-digest',
      'ab'.repeat(32),
      '-in',
      tokenFile,
      '-token_in',
      '-CAfile',
      pki.caPem,
      '-untrusted',
      pki.tsaPem,
    ]).catch((e: { stdout: string }) => e);
    expect(other.stdout).not.toContain('Verification: OK');
  });

  it('a byte changed inside the signed range is reported; an update appended after signing is not the signed document', async () => {
    const output = outputOptionsSchema.parse({ signature: { level: 'B-B' } });
    const doc = await template.generate(invoicePayload(), { output, secrets: secrets() });
    const tampered = new Uint8Array(doc.bytes);
    // A byte of the header comment, inside the first signed range.
    tampered[10] = tampered[10] ^ 0x01;
    expect(await pdfsig(tampered, 'tampered.pdf')).toMatch(/Digest Mismatch|Signature is Invalid/);
    const later = await PDFDocument.load(doc.bytes, { forIncrementalUpdate: true });
    later.setTitle('changed after signing');
    const appended = await later.saveIncremental(later.takeSnapshot());
    const bytes = new Uint8Array([...doc.bytes, ...appended]);
    expect(await pdfsig(bytes, 'appended.pdf')).toContain('Not total document signed');
  });

  it('DocMDP certification: the signature dictionary references DocMDP with the chosen permission', async () => {
    const output = outputOptionsSchema.parse({ signature: { level: 'B-B', certification: 'form-fill' } });
    const doc = await template.generate(invoicePayload(), { output, secrets: secrets() });
    const text = Buffer.from(doc.bytes).toString('latin1');
    expect(text).toMatch(/\/TransformMethod \/DocMDP/);
    expect(text).toMatch(/\/P 2/);
    expect(text).toMatch(/\/Perms <</);
    expect(await pdfsig(doc.bytes, 'certified.pdf')).toContain('Signature is Valid');
  });

  it('wrong password, expired certificate, missing certificate: typed errors', async () => {
    const output = outputOptionsSchema.parse({ signature: { level: 'B-B' } });
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'none',
        (e: unknown) => (e instanceof PdfError ? e.code : String(e)),
      );
    expect(await code(template.generate(invoicePayload(), { output, secrets: { certificate: { p12: pki.p12, password: 'wrong' } } }))).toBe(
      'certificate_password_invalid',
    );
    expect(
      await code(
        template.generate(invoicePayload(), { output, secrets: { certificate: { p12: pki.expiredP12, password: SIGNER_PASSWORD } } }),
      ),
    ).toBe('certificate_expired');
    expect(await code(template.generate(invoicePayload(), { output }))).toBe('certificate_missing');
    expect(
      await code(
        template.generate(invoicePayload(), { output, secrets: { certificate: { p12: new Uint8Array([1, 2, 3]), password: 'x' } } }),
      ),
    ).toBe('certificate_invalid');
  });
});
