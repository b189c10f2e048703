import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { createTemplate } from './generate-fixtures.js';
import { INVOICE_FIELDS } from './invoice-template.js';
import { SIGNER_PASSWORD, invoiceBase, invoicePayload, makePki, startTsa, type Pki, type Tsa } from '../pdf/output/support.js';

/**
 * Output options through the API: stored on the template and published with it, the PDF/A
 * preflight route, and bad output requests as typed 4xx problems. The four output variants
 * themselves, judged by the tools, are in compliance-four-ways.test.ts.
 */

const FIELDS = INVOICE_FIELDS;

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
