import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loggingApp, tableDumps } from '../helpers/secrets.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { SIGNER_PASSWORD, invoiceBase, invoicePayload, makePki, type Pki } from '../pdf/output/support.js';
import { createTemplate } from './generate-fixtures.js';
import { INVOICE_FIELDS } from './invoice-template.js';

/**
 * Output secrets (the certificate's password, the PKCS#12 itself, encryption passwords) leave no
 * trace: not in the server's log at its most verbose level — successful and refused requests
 * alike — and not in any database row (generated documents, audit trail, anything else).
 */

let pki: Pki;
beforeAll(async () => {
  pki = await makePki();
}, 60_000);
afterAll(() => pki?.cleanup());

const USER_PASSWORD = 'user-pw-7f3a91';
const OWNER_PASSWORD = 'owner-pw-c0ffee';
const WRONG_CERT_PASSWORD = 'wrong-cert-pw-55aa';

forEachApi('output secrets are never logged or stored', (api) => {
  let app: FastifyInstance;
  let user: TestUser;
  let templateId: string;
  const logged: string[] = [];

  beforeAll(async () => {
    // The same services behind an app that logs everything, into memory.
    app = await loggingApp(api().services, logged);
    user = await registerUser(app, 'secrets');
    ({ templateId } = await createTemplate(app, user.headers, INVOICE_FIELDS, true, await invoiceBase()));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('signed, encrypted and refused requests: no secret in the log or in any table', async () => {
    const p12 = Buffer.from(pki.p12).toString('base64');
    const generate = (body: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: `/api/templates/${templateId}/generate`,
        headers: user.headers,
        payload: { data: invoicePayload(), ...body },
      });
    const signed = await generate({
      output: { signature: { level: 'B-B' } },
      secrets: { certificate: { p12, password: SIGNER_PASSWORD } },
    });
    expect(signed.statusCode, signed.body).toBe(200);
    const encrypted = await generate({
      output: { encryption: {} },
      secrets: { userPassword: USER_PASSWORD, ownerPassword: OWNER_PASSWORD },
    });
    expect(encrypted.statusCode, encrypted.body).toBe(200);
    const refused = await generate({
      output: { signature: { level: 'B-B' } },
      secrets: { certificate: { p12, password: WRONG_CERT_PASSWORD } },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('certificate_password_invalid');
    expect(refused.body).not.toContain(WRONG_CERT_PASSWORD);

    const log = logged.join('');
    // The log did record these requests (so its silence about secrets means something).
    expect(log).toContain(`/api/templates/${templateId}/generate`);
    expect(log).toContain('certificate_password_invalid');
    const secrets = [SIGNER_PASSWORD, USER_PASSWORD, OWNER_PASSWORD, WRONG_CERT_PASSWORD, p12.slice(0, 64)];
    for (const s of secrets) expect(log, `log contains ${s.slice(0, 12)}…`).not.toContain(s);

    // Every row of every table, as JSON text.
    const prisma = api().db.prisma;
    const tables = await tableDumps(prisma);
    expect(tables.length).toBeGreaterThan(5);
    let rows = 0;
    for (const { tablename, rows: n, text } of tables) {
      rows += n;
      for (const s of secrets) expect(text, `${tablename} contains ${s.slice(0, 12)}…`).not.toContain(s);
    }
    expect(rows).toBeGreaterThan(0);
    // The rows these requests wrote were among those read: two completed documents, one failed.
    const generated = await prisma.$queryRawUnsafe<{ status: string }[]>('SELECT status::text FROM generated_pdfs ORDER BY status');
    expect(generated.map((g) => g.status)).toEqual(['completed', 'completed', 'failed']);
  });
});
