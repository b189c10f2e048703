import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileTemplate, type CompiledTemplate } from '@/pdf/index.js';
import { outputOptionsSchema } from '@/shared/domain/output.js';
import { invoiceBase, invoiceFields, invoicePayload, makePki, qpdfJson, run, type Pki } from './support.js';
import { pdfjsText } from './verify.js';

let pki: Pki;
let template: CompiledTemplate;
beforeAll(async () => {
  pki = await makePki();
  template = await compileTemplate(await invoiceBase(), invoiceFields());
}, 60_000);
afterAll(() => pki?.cleanup());

const secrets = { userPassword: 'open-me', ownerPassword: 'owner-secret' };

async function encrypted(permissions: Record<string, boolean>): Promise<{ bytes: Uint8Array; file: string }> {
  const output = outputOptionsSchema.parse({ encryption: { permissions }, metadata: { title: 'Quarterly secret' } });
  const { bytes } = await template.generate(invoicePayload(), { output, secrets });
  const file = path.join(pki.dir, `enc-${Object.values(permissions).join('-')}.pdf`);
  writeFileSync(file, bytes);
  return { bytes, file };
}

describe('AES-256 encryption', () => {
  it('qpdf shows R6 / AESv3 and the permission flags; the file checks clean with the user password', async () => {
    const { file } = await encrypted({ print: true, copy: false, modify: false, fill: true });
    const { stdout } = await run('qpdf', ['--show-encryption', '--password=open-me', file]);
    expect(stdout).toContain('R = 6');
    expect(stdout).toContain('stream encryption method: AESv3');
    expect(stdout).toContain('string encryption method: AESv3');
    expect(stdout).toContain('Supplied password is user password');
    expect(stdout).toContain('print high resolution: allowed');
    expect(stdout).toContain('extract for any purpose: not allowed');
    expect(stdout).toContain('modify other: not allowed');
    expect(stdout).toContain('modify forms: allowed');
    const { stdout: check } = await run('qpdf', ['--check', '--password=open-me', file]);
    expect(check).toContain('No syntax or stream encoding errors');
    const owner = await run('qpdf', ['--show-encryption', '--password=owner-secret', file]);
    expect(owner.stdout).toContain('Supplied password is owner password');
  });

  it('other flags give other permissions', async () => {
    const { file } = await encrypted({ print: false, copy: true, modify: true, fill: false });
    const { stdout } = await run('qpdf', ['--show-encryption', '--password=open-me', file]);
    expect(stdout).toContain('print high resolution: not allowed');
    expect(stdout).toContain('extract for any purpose: allowed');
    expect(stdout).toContain('modify other: allowed');
  });

  it('pdf.js opens it with the user password and refuses without (or with a wrong one)', async () => {
    const { bytes } = await encrypted({ print: true, copy: false, modify: false, fill: true });
    expect(await pdfjsText(bytes, 'open-me')).toContain('INV-2026-0042');
    await expect(pdfjsText(bytes)).rejects.toMatchObject({ name: 'PasswordException' });
    await expect(pdfjsText(bytes, 'nope')).rejects.toMatchObject({ name: 'PasswordException' });
    // Strings are encrypted too: the title is in clear once qpdf decrypts the file, not before.
    expect(Buffer.from(bytes).includes('Quarterly secret')).toBe(false);
    const enc = path.join(pki.dir, 'strings.pdf');
    writeFileSync(enc, bytes);
    const q = await qpdfJson(enc, 'open-me');
    expect((q.get(q.trailer['/Info']) as Record<string, unknown>)['/Title']).toBe('u:Quarterly secret');
  });
});
