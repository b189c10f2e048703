import { describe, expect, it } from 'vitest';
import { loadConfig } from '@/shared/config/index.js';
import { resolveCertificateKey, seal, unseal } from '@/shared/auth/certificate-key.js';

const SECRET = 'a-jwt-secret-that-is-long-enough-for-tests-0123';
const text = new TextEncoder().encode('pkcs12 bytes and a password');

describe('certificate sealing key', () => {
  it('is derived from the JWT secret by default, and differs from it and from another secret', async () => {
    const a = await resolveCertificateKey(loadConfig({}), SECRET);
    const b = await resolveCertificateKey(loadConfig({}), `${SECRET}x`);
    expect(a.key).toHaveLength(32);
    expect(a.key.equals(Buffer.from(SECRET).subarray(0, 32))).toBe(false);
    expect(a.id).not.toBe(b.id);
    expect((await resolveCertificateKey(loadConfig({}), SECRET)).id).toBe(a.id);
  });

  it('takes CERTIFICATE_ENCRYPTION_KEY as 32 bytes of hex or base64, or as a passphrase', async () => {
    const hex = 'ab'.repeat(32);
    expect((await resolveCertificateKey(loadConfig({ CERTIFICATE_ENCRYPTION_KEY: hex }), SECRET)).key.toString('hex')).toBe(hex);
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect((await resolveCertificateKey(loadConfig({ CERTIFICATE_ENCRYPTION_KEY: b64 }), SECRET)).key.equals(Buffer.alloc(32, 7))).toBe(
      true,
    );
    const phrase = await resolveCertificateKey(
      loadConfig({ CERTIFICATE_ENCRYPTION_KEY: 'a passphrase of more than 32 characters' }),
      SECRET,
    );
    expect(phrase.key).toHaveLength(32);
    expect(() => loadConfig({ CERTIFICATE_ENCRYPTION_KEY: 'short' })).toThrow(/CERTIFICATE_ENCRYPTION_KEY/);
  });

  it('opens only with the same key and context; a changed byte does not open', async () => {
    const key = await resolveCertificateKey(loadConfig({}), SECRET);
    const sealed = seal(key, text, 'row-1');
    expect(Buffer.from(sealed).includes(Buffer.from('password'))).toBe(false);
    expect(new TextDecoder().decode(unseal(key, sealed, 'row-1')!)).toBe('pkcs12 bytes and a password');
    expect(unseal(key, sealed, 'row-2')).toBeNull();
    expect(unseal(await resolveCertificateKey(loadConfig({}), `${SECRET}x`), sealed, 'row-1')).toBeNull();
    const tampered = Uint8Array.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(unseal(key, tampered, 'row-1')).toBeNull();
    // Two seals of the same text differ (fresh IV each time).
    expect(Buffer.from(seal(key, text, 'row-1')).equals(Buffer.from(sealed))).toBe(false);
  });
});
