/**
 * Real parts for the output tests: certificates made by openssl (a CA, a signer, a timestamp
 * authority), an RFC 3161 timestamp authority on 127.0.0.1 that answers with `openssl ts -reply`,
 * an invoice template whose base PDF embeds its font, and readers for the signature's CMS.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fontkit from '@pdf-lib/fontkit';
import forge from 'node-forge';
import { parse as parseIcc } from 'icc';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { expect } from 'vitest';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { EngineField } from '@/pdf/index.js';
import { field } from '../render/support.js';

export const run = promisify(execFile);

export interface Pki {
  dir: string;
  caPem: string;
  tsaPem: string;
  /** The signer's PKCS#12 (password SIGNER_PASSWORD). */
  p12: Uint8Array;
  /** A self-signed PKCS#12 whose validity ended in 2020 (password SIGNER_PASSWORD). */
  expiredP12: Uint8Array;
  cleanup(): void;
}
export const SIGNER_PASSWORD = 'correct horse';

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

export async function makePki(): Promise<Pki> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pdfstudio-pki-'));
  const subj = (cn: string) => ['-subj', `/C=FR/O=PDF Studio Test/CN=${cn}`];
  await openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    ...subj('Test CA'),
  ]);
  writeFileSync(path.join(dir, 'signer.ext'), 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n');
  writeFileSync(
    path.join(dir, 'tsa.ext'),
    'keyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n',
  );
  for (const who of ['signer', 'tsa']) {
    await openssl(dir, [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${who}.key`,
      '-out',
      `${who}.csr`,
      ...subj(who === 'tsa' ? 'Test TSA' : 'Alice Signer'),
    ]);
    await openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      `${who}.ext`,
      '-out',
      `${who}.pem`,
    ]);
  }
  await openssl(dir, [
    'pkcs12',
    '-export',
    '-inkey',
    'signer.key',
    '-in',
    'signer.pem',
    '-certfile',
    'ca.pem',
    '-out',
    'signer.p12',
    '-passout',
    `pass:${SIGNER_PASSWORD}`,
  ]);
  return {
    dir,
    caPem: path.join(dir, 'ca.pem'),
    tsaPem: path.join(dir, 'tsa.pem'),
    p12: new Uint8Array(readFileSync(path.join(dir, 'signer.p12'))),
    expiredP12: expiredP12(),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** openssl 3.0 cannot date a certificate in the past; node-forge can. */
function expiredP12(): Uint8Array {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '0a';
  cert.validity.notBefore = new Date('2019-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2020-01-01T00:00:00Z');
  const attrs = [{ name: 'commonName', value: 'Expired Signer' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const asn = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], SIGNER_PASSWORD, { algorithm: '3des' });
  return new Uint8Array(Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary'));
}

export interface Tsa {
  url: string;
  requests: number;
  close(): Promise<void>;
}

/** An RFC 3161 authority on 127.0.0.1: each request answered by `openssl ts -reply`. */
export async function startTsa(pki: Pki): Promise<Tsa> {
  const cnf = path.join(pki.dir, 'tsa.cnf');
  writeFileSync(path.join(pki.dir, 'tsaserial'), '01\n');
  writeFileSync(
    cnf,
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `serial = ${path.join(pki.dir, 'tsaserial')}`,
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let n = 0;
  const state: Tsa = { url: '', requests: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = ++n;
      const q = path.join(pki.dir, `q${id}.tsq`);
      const r = path.join(pki.dir, `r${id}.tsr`);
      writeFileSync(q, Buffer.concat(chunks));
      state.requests++;
      const args = [
        'ts',
        '-reply',
        '-config',
        cnf,
        '-queryfile',
        q,
        '-signer',
        pki.tsaPem,
        '-inkey',
        path.join(pki.dir, 'tsa.key'),
        '-chain',
        pki.caPem,
        '-out',
        r,
      ];
      execFile('openssl', args, (err) => {
        if (err) {
          res.writeHead(500).end(String(err));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(r));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  state.url = `http://127.0.0.1:${addr.port}/tsa`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/** An A4 invoice base whose text uses an embedded font (DejaVu Sans), so it can become PDF/A. */
export async function invoiceBase(opts: { standardFont?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = opts.standardFont
    ? await doc.embedFont(StandardFonts.Helvetica)
    : await doc.embedFont(readFileSync(path.join('node_modules', 'dejavu-fonts-ttf', 'ttf', 'DejaVuSans.ttf')), { subset: true });
  const page = doc.addPage([595, 842]);
  page.drawText('INVOICE', { x: 50, y: 780, size: 24, font });
  for (const [label, y] of [
    ['Number', 730],
    ['Customer', 700],
    ['Net', 640],
    ['VAT', 620],
    ['Total', 600],
  ] as const) {
    page.drawText(label, { x: 50, y, size: 11, font });
  }
  page.drawRectangle({ x: 45, y: 590, width: 505, height: 1, color: rgb(0.2, 0.2, 0.2) });
  return doc.save({ useObjectStreams: false });
}

/** Fields of the invoice template: top-left coordinates, bound to the payload's invoice. */
export function invoiceFields(): EngineField[] {
  const money = { number: { decimals: 2, locale: 'en-US' } };
  return [
    field({ name: 'number', bindingKey: 'invoice.number', position: { x: 150, y: 100 } }),
    field({ name: 'customer', bindingKey: 'invoice.buyer.name', position: { x: 150, y: 130 } }),
    field({ name: 'net', type: 'number', bindingKey: 'invoice.totals.lineTotal', position: { x: 150, y: 190 }, advanced: money }),
    field({ name: 'vat', type: 'number', bindingKey: 'invoice.totals.taxTotal', position: { x: 150, y: 210 }, advanced: money }),
    field({ name: 'total', type: 'number', bindingKey: 'invoice.totals.grandTotal', position: { x: 150, y: 230 }, advanced: money }),
  ] as EngineField[];
}

export function invoicePayload(number = 'INV-2026-0042'): Record<string, unknown> {
  return {
    invoice: {
      number,
      issueDate: '2026-12-01',
      dueDate: '2026-12-31',
      currency: 'EUR',
      buyerReference: 'PO-77',
      seller: {
        name: 'Atelier Durand SARL',
        vatId: 'FR32123456789',
        legalId: '12345678900017',
        address: { line1: '12 rue des Lilas', postcode: '75011', city: 'Paris', country: 'FR' },
      },
      buyer: {
        name: 'Müller & Söhne GmbH',
        vatId: 'DE123456789',
        address: { line1: 'Hauptstraße 5', postcode: '10115', city: 'Berlin', country: 'DE' },
      },
      payment: { meansCode: '58', iban: 'FR7630006000011234567890189', reference: number },
      lines: [
        { name: 'Design work', quantity: 3, unitPrice: 120.5, vatRate: 20 },
        { name: 'Printing <A3>', quantity: 250, unitPrice: 0.333, vatRate: 20 },
        { name: 'Books', quantity: 2, unitPrice: 14.99, vatRate: 5.5 },
      ],
    },
  };
}

/** The signature's CMS from the /ByteRange gap of a signed PDF (last signature). */
export function signatureCms(pdf: Uint8Array): { cms: pkijs.SignedData; signedRange: Uint8Array } {
  const text = Buffer.from(pdf).toString('latin1');
  const m = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].pop();
  if (!m) throw new Error('no /ByteRange');
  const [a, b, c, d] = m.slice(1, 5).map(Number);
  const hex = text.slice(a + b + 1, c - 1);
  const der = Buffer.from(hex, 'hex');
  const asn = asn1js.fromBER(new Uint8Array(der).buffer);
  const info = new pkijs.ContentInfo({ schema: asn.result });
  const signedRange = Buffer.concat([Buffer.from(pdf.subarray(a, a + b)), Buffer.from(pdf.subarray(c, c + d))]);
  return { cms: new pkijs.SignedData({ schema: info.content }), signedRange };
}

export type QValue = string | number | boolean | null | QValue[] | { [k: string]: QValue };
export interface QpdfJson {
  trailer: Record<string, QValue>;
  objects: Map<string, { dict: Record<string, QValue>; stream: boolean }>;
  encrypt: {
    encrypted: boolean;
    parameters: { R: number; V: number; bits: number; method: string };
    capabilities: Record<string, boolean>;
  };
  /** Resolve a "N 0 R" reference (or return a direct value). */
  get(v: QValue | undefined): QValue | undefined;
}

/** qpdf's JSON view of a file (objects, trailer, encryption), an independent parser from ours. */
export async function qpdfJson(file: string, password?: string): Promise<QpdfJson> {
  const args = ['--json', '--json-stream-data=none', ...(password !== undefined ? [`--password=${password}`] : []), file];
  const { stdout } = await run('qpdf', args, { maxBuffer: 64 * 1024 * 1024 });
  const j = JSON.parse(stdout) as {
    qpdf: [unknown, Record<string, { value?: Record<string, QValue>; stream?: { dict: Record<string, QValue> } }>];
    encrypt: QpdfJson['encrypt'];
  };
  const objects = new Map<string, { dict: Record<string, QValue>; stream: boolean }>();
  let trailer: Record<string, QValue> = {};
  for (const [k, v] of Object.entries(j.qpdf[1])) {
    if (k === 'trailer') trailer = (v.value ?? {}) as Record<string, QValue>;
    else if (k.startsWith('obj:'))
      objects.set(k.slice(4), { dict: (v.stream?.dict ?? v.value ?? {}) as Record<string, QValue>, stream: v.stream !== undefined });
  }
  const get = (v: QValue | undefined): QValue | undefined => (typeof v === 'string' && / 0 R$/.test(v) ? objects.get(v)?.dict : v);
  return { trailer, objects, encrypt: j.encrypt, get };
}

/** One value of an XML document by XPath, through xmllint (libxml2). */
export async function xpath(file: string, expr: string): Promise<string> {
  const { stdout } = await run('xmllint', ['--xpath', `string(${expr})`, file]);
  return stdout.trim();
}

export const str = (v: unknown): string => (typeof v === 'string' ? v.replace(/^u:/, '') : '');

/** Every PDF/A requirement we implement, checked on the file with qpdf and xmllint. */
export async function checkPdfA(file: string, part: '2' | '3', dir: string): Promise<QpdfJson> {
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
  const xmpFile = path.join(dir, `xmp-${path.basename(file)}.xml`);
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
