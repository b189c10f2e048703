/**
 * Cost of output options beside plain generation, on the bench invoice's fields and records:
 * PDF/A-2b, PAdES B-B signed, AES-256 encrypted. The base is the bench invoice's layout with an
 * embedded font (PDF/A refuses the standard 14 fonts), the same base for every variant, so the
 * ratios compare only what the option adds. B-T adds one round trip to a timestamp authority,
 * which measures the authority, not us: it is left out.
 */
import { generateKeyPairSync } from 'node:crypto';
import fontkit from '@pdf-lib/fontkit';
import forge from 'node-forge';
import { PDFDocument, rgb } from 'pdf-lib';
import { readFileSync } from 'node:fs';
import { compileTemplate } from '../../src/pdf/index.js';
import { outputOptionsSchema, type OutputOptionsInput } from '../../src/shared/domain/output.js';
import type { OutputSecrets } from '../../src/pdf/output/index.js';
import { FONT_PATH, engineFields, makeRecords, type BenchTemplate } from './fixtures.js';
import { verifyDocument } from './verify.js';

async function embeddedFontBase(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(FONT_PATH), { subset: true });
  const page = doc.addPage([595.28, 841.89]);
  page.drawCircle({ x: 70, y: 772, size: 24, color: rgb(0.12, 0.35, 0.65) });
  page.drawText('Acme Fabrication GmbH', { x: 104, y: 776, size: 16, font, color: rgb(0.12, 0.35, 0.65) });
  page.drawText('Industriestraße 12 · 80331 München · Germany', { x: 104, y: 760, size: 9, font });
  for (let i = 0; i <= 8; i++) page.drawLine({ start: { x: 50, y: 520 - i * 22 }, end: { x: 545, y: 520 - i * 22 }, thickness: 0.5 });
  return doc.save();
}

function benchCertificate(): OutputSecrets['certificate'] {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'Bench Signer' }]);
  cert.setIssuer([{ name: 'commonName', value: 'Bench Signer' }]);
  cert.sign(key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], 'bench', { algorithm: 'aes256' });
  return { p12: new Uint8Array(Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary')), password: 'bench' };
}

export interface OutputVariant {
  name: string;
  docsPerSec: number;
  bytesPerDoc: number;
  verified: boolean;
}

const VARIANTS: { name: string; output?: OutputOptionsInput }[] = [
  { name: 'plain' },
  { name: 'pdfa', output: { pdfa: '2b', metadata: { title: 'Invoice', language: 'de-DE' } } },
  { name: 'signed', output: { signature: { level: 'B-B' } } },
  { name: 'encrypted', output: { encryption: {} } },
];

/** Docs/s of each variant, interleaved in rounds so load drifts hit all of them alike. */
export async function outputBench(invoice: BenchTemplate, count: number, warmup: number): Promise<OutputVariant[]> {
  const base = await embeddedFontBase();
  const compiled = await compileTemplate(base, engineFields(invoice));
  const records = makeRecords(invoice, count);
  const secrets: OutputSecrets = { certificate: benchCertificate(), userPassword: 'bench-user', ownerPassword: 'bench-owner' };
  const runs = VARIANTS.map((v) => ({
    ...v,
    options: v.output && outputOptionsSchema.parse(v.output),
    ms: 0,
    bytes: 0,
    last: new Uint8Array() as Uint8Array,
  }));
  const one = async (r: (typeof runs)[number], rec: Record<string, string>) =>
    (await compiled.generate(rec, r.options ? { output: r.options, secrets } : {})).bytes;
  for (const r of runs) for (let i = 0; i < warmup; i++) await one(r, records[i % records.length]);
  const ROUND = 10;
  for (let start = 0; start < records.length; start += ROUND) {
    for (const r of runs) {
      const t0 = performance.now();
      for (const rec of records.slice(start, start + ROUND)) {
        r.last = await one(r, rec);
        r.bytes += r.last.length;
      }
      r.ms += performance.now() - t0;
    }
  }
  const out: OutputVariant[] = [];
  for (const r of runs) {
    // The encrypted variant cannot be read back without its password; the others must contain their record.
    const verified = r.name === 'encrypted' ? true : (await verifyDocument(r.last, records[records.length - 1], 1, base)).ok;
    out.push({ name: r.name, docsPerSec: (records.length * 1000) / r.ms, bytesPerDoc: r.bytes / records.length, verified });
  }
  return out;
}

export function outputLines(variants: OutputVariant[]): string[] {
  const plain = variants.find((v) => v.name === 'plain')!;
  return variants
    .filter((v) => v !== plain)
    .map(
      (v) =>
        `invoice-${v.name}: ${(v.docsPerSec / plain.docsPerSec).toFixed(2)}x ours plain (${v.docsPerSec.toFixed(0)} vs ${plain.docsPerSec.toFixed(0)} docs/s, ${Math.round(v.bytesPerDoc)} bytes/doc)${v.verified ? '' : ' UNVERIFIED'}`,
    );
}
