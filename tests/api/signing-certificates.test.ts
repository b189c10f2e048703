import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loggingApp, tableDumps } from '../helpers/secrets.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import type { FieldInput } from '@/shared/domain/field.js';
import { SIGNER_PASSWORD, invoiceBase, invoicePayload, makePki, run, type Pki } from '../pdf/output/support.js';
import { pdfsig } from '../pdf/output/verify.js';
import { createTemplate } from './generate-fixtures.js';
import { INVOICE_FIELDS } from './invoice-template.js';
import { runDeletionTask, runExportTask } from '@/services/accounts/tasks.js';

/**
 * Certificates kept per account: read and refused typed at upload; listed with their public facts;
 * named by signature.certificateId to sign (pdfsig judges the result); sealed at rest — neither the
 * password nor the PKCS#12 is in any table, answer or the trace-level log; another account cannot
 * use them; a changed server key is reported; deleted alone and with the account.
 */

let pki: Pki;
beforeAll(async () => {
  pki = await makePki();
}, 60_000);
afterAll(() => pki?.cleanup());

forEachApi('signing certificates stored by the user', (api) => {
  let app: FastifyInstance;
  let user: TestUser;
  let other: TestUser;
  let templateId: string;
  let certificateId: string;
  const logged: string[] = [];
  const p12 = () => Buffer.from(pki.p12).toString('base64');

  const upload = (who: TestUser, body: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/api/signing-certificates', headers: who.headers, payload: body });
  const generate = (who: TestUser, signature: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: { ...who.headers, accept: 'application/pdf' },
      payload: { data: invoicePayload(), output: { signature } },
    });

  beforeAll(async () => {
    app = await loggingApp(api().services, logged);
    user = await registerUser(app, 'certs');
    other = await registerUser(app, 'certs-other');
    ({ templateId } = await createTemplate(app, user.headers, INVOICE_FIELDS, true, await invoiceBase()));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('keeps a PKCS#12: subject, issuer, validity and fingerprint read from it; nothing secret answered', async () => {
    const res = await upload(user, { name: 'Alice (test CA)', p12: p12(), password: SIGNER_PASSWORD });
    expect(res.statusCode, res.body).toBe(201);
    const cert = res.json();
    const x509 = new X509Certificate(readFileSync(path.join(pki.dir, 'signer.pem')));
    expect(cert).toMatchObject({
      name: 'Alice (test CA)',
      subject: 'Alice Signer',
      issuer: 'Test CA',
      serialNumber: x509.serialNumber.toLowerCase(),
      fingerprint: x509.fingerprint256.replaceAll(':', '').toLowerCase(),
      notAfter: new Date(x509.validTo).toISOString(),
      expired: false,
    });
    expect(res.body).not.toContain(SIGNER_PASSWORD);
    expect(res.body).not.toContain(p12().slice(0, 64));
    certificateId = cert.id;
    const list = await app.inject({ method: 'GET', url: '/api/signing-certificates', headers: user.headers });
    expect(list.json().items.map((c: { id: string }) => c.id)).toEqual([certificateId]);
    expect(Object.keys(list.json().items[0]).sort()).toEqual(Object.keys(cert).sort());
  });

  it('refuses a wrong password, an expired certificate and a file that is not PKCS#12, typed, and keeps none', async () => {
    const wrong = await upload(user, { p12: p12(), password: 'not the password' });
    expect([wrong.statusCode, wrong.json().code]).toEqual([422, 'certificate_password_invalid']);
    const expired = await upload(user, { p12: Buffer.from(pki.expiredP12).toString('base64'), password: SIGNER_PASSWORD });
    expect([expired.statusCode, expired.json().code]).toEqual([422, 'certificate_expired']);
    const junk = await upload(user, { p12: Buffer.from('not a pkcs12 file at all').toString('base64'), password: 'x' });
    expect([junk.statusCode, junk.json().code]).toEqual([422, 'certificate_invalid']);
    const missing = await upload(user, { password: 'x' });
    expect([missing.statusCode, missing.json().code]).toEqual([400, 'validation_failed']);
    const list = await app.inject({ method: 'GET', url: '/api/signing-certificates', headers: user.headers });
    expect(list.json().items).toHaveLength(1);
  });

  it('signs with the stored certificate by id: pdfsig says valid, total document, signed by Alice Signer', async () => {
    const res = await generate(user, { level: 'B-B', certificateId, reason: 'Approved' });
    expect(res.statusCode, res.body).toBe(200);
    const file = path.join(pki.dir, `${api().services.config.stage}-stored-cert.pdf`);
    writeFileSync(file, res.rawPayload);
    const sig = await pdfsig(file);
    expect(sig).toContain('Signature is Valid');
    expect(sig).toContain('Total document signed');
    expect(sig).toContain('Signer Certificate Common Name: Alice Signer');
  });

  it("a visible signature at the template's signature field, placed like any field through the API", async () => {
    const signatureField = {
      name: 'Approval',
      type: 'signature',
      page: 1,
      position: { x: 340, y: 680 },
      size: { width: 210, height: 60 },
      bindingKey: 'approval',
    } as FieldInput;
    const { templateId: signable } = await createTemplate(
      app,
      user.headers,
      [...INVOICE_FIELDS, signatureField],
      true,
      await invoiceBase(),
    );
    const fields = (await app.inject({ method: 'GET', url: `/api/templates/${signable}/fields`, headers: user.headers })).json().items;
    const fieldId = fields.find((f: { name: string }) => f.name === 'Approval').fieldId as string;
    const res = await app.inject({
      method: 'POST',
      url: `/api/templates/${signable}/generate`,
      headers: { ...user.headers, accept: 'application/pdf' },
      payload: { data: invoicePayload(), output: { signature: { certificateId, fieldId } } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const file = path.join(pki.dir, `${api().services.config.stage}-visible-api.pdf`);
    writeFileSync(file, res.rawPayload);
    expect(await pdfsig(file)).toContain('Signature is Valid');
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    expect(stdout).toContain('Digitally signed by Alice Signer');
    const wrong = await app.inject({
      method: 'POST',
      url: `/api/templates/${signable}/generate`,
      headers: user.headers,
      // Any field but the signature one (the list's order follows the generated ids).
      payload: {
        data: invoicePayload(),
        output: { signature: { certificateId, fieldId: fields.find((f: { name: string }) => f.name !== 'Approval').fieldId } },
      },
    });
    expect([wrong.statusCode, wrong.json().code]).toEqual([422, 'signature_field_invalid']);
  });

  it('another account can neither see nor sign with it; an unknown id is certificate_not_found', async () => {
    const seen = await app.inject({ method: 'GET', url: `/api/signing-certificates/${certificateId}`, headers: other.headers });
    expect(seen.statusCode).toBe(404);
    const list = await app.inject({ method: 'GET', url: '/api/signing-certificates', headers: other.headers });
    expect(list.json().items).toEqual([]);
    const del = await app.inject({ method: 'DELETE', url: `/api/signing-certificates/${certificateId}`, headers: other.headers });
    expect(del.statusCode).toBe(404);
    // The other account's own template naming the certificate.
    const { templateId: theirs } = await createTemplate(app, other.headers, INVOICE_FIELDS, true, await invoiceBase());
    const res = await app.inject({
      method: 'POST',
      url: `/api/templates/${theirs}/generate`,
      headers: other.headers,
      payload: { data: invoicePayload(), output: { signature: { certificateId } } },
    });
    expect([res.statusCode, res.json().code]).toEqual([422, 'certificate_not_found']);
    const unknown = await generate(user, { certificateId: '0193a000-0000-7000-8000-000000000000' });
    expect([unknown.statusCode, unknown.json().code]).toEqual([422, 'certificate_not_found']);
  });

  it('is sealed at rest: no table row and no log line holds the password or the PKCS#12', async () => {
    const prisma = api().db.prisma;
    const tables = await tableDumps(prisma);
    expect(tables.map((t) => t.tablename)).toContain('signing_certificates');
    const raw = Buffer.from(pki.p12);
    // bytea reads back as \x… hex in row_to_json; base64 is how the file travelled.
    const secrets = [
      SIGNER_PASSWORD,
      p12().slice(0, 64),
      p12().slice(-64, -4),
      raw.subarray(0, 48).toString('hex'),
      raw.subarray(-48).toString('hex'),
    ];
    for (const { tablename, text } of tables) {
      for (const s of secrets) expect(text, `${tablename} contains ${s.slice(0, 12)}…`).not.toContain(s);
    }
    // The sealed row is there (so the search above read it), and bigger than the file it seals.
    const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>('SELECT length(sealed)::int AS n FROM signing_certificates');
    expect(row.n).toBeGreaterThan(raw.length);
    const log = logged.join('');
    expect(log).toContain('/api/signing-certificates');
    expect(log).toContain('certificate_password_invalid');
    for (const s of [...secrets, 'not the password']) expect(log, `log contains ${s.slice(0, 12)}…`).not.toContain(s);
  });

  it('a changed server key is reported as such (certificate_key_unavailable), and the original key opens it again', async () => {
    const auth = api().services.config.auth;
    auth.certificateKey = 'another-certificate-key-of-at-least-32-chars';
    try {
      const res = await generate(user, { certificateId });
      expect([res.statusCode, res.json().code]).toEqual([500, 'certificate_key_unavailable']);
    } finally {
      auth.certificateKey = undefined;
    }
    expect((await generate(user, { certificateId })).statusCode).toBe(200);
  });

  it("is in the account's export with its public facts only", async () => {
    const started = await app.inject({ method: 'POST', url: '/api/account/export', headers: user.headers });
    expect(started.statusCode, started.body).toBe(202);
    // What the cleanup worker does with the queued task.
    await runExportTask(api().services, started.json().export.id);
    const res = await app.inject({ method: 'GET', url: `/api/account/export/${started.json().export.id}`, headers: user.headers });
    expect(res.json().status).toBe('completed');
    expect(res.json().counts.signingCertificates).toBe(1);
    const u = new URL(res.json().url, 'http://localhost');
    const zip = await app.inject({ method: 'GET', url: u.pathname + u.search });
    const entries = unzipSync(new Uint8Array(zip.rawPayload));
    const text = Buffer.from(entries['signing-certificates.json']).toString('utf8');
    const [cert] = JSON.parse(text) as Record<string, unknown>[];
    expect(cert).toMatchObject({ id: certificateId, subject: 'Alice Signer', issuer: 'Test CA' });
    expect(cert.sealed).toBeUndefined();
    for (const entry of Object.values(entries)) expect(Buffer.from(entry).includes(Buffer.from(SIGNER_PASSWORD))).toBe(false);
  });

  it('is deleted alone, and with the account', async () => {
    const del = await app.inject({ method: 'DELETE', url: `/api/signing-certificates/${certificateId}`, headers: user.headers });
    expect(del.statusCode).toBe(204);
    expect((await generate(user, { certificateId })).json().code).toBe('certificate_not_found');
    expect((await app.inject({ method: 'GET', url: `/api/signing-certificates/${certificateId}`, headers: user.headers })).statusCode).toBe(
      404,
    );

    expect((await upload(other, { p12: p12(), password: SIGNER_PASSWORD })).statusCode).toBe(201);
    const prisma = api().db.prisma;
    expect(await prisma.signingCertificate.count({ where: { userId: other.id } })).toBe(1);
    const gone = await app.inject({
      method: 'DELETE',
      url: '/api/profile',
      headers: other.headers,
      payload: { password: 'correct horse battery' },
    });
    expect(gone.statusCode, gone.body).toBe(202);
    await runDeletionTask(api().services, gone.json().deletion.id);
    const status = await app.inject({ method: 'GET', url: `/api/account/deletions/${gone.json().deletion.id}` });
    expect(status.json()).toMatchObject({ status: 'completed', deleted: { signingCertificates: 1 } });
    expect(await prisma.signingCertificate.count({ where: { userId: other.id } })).toBe(0);
  });
});
