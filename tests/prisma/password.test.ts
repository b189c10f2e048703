import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, parseHash, verifyAgainstDummy, verifyPassword } from '@/shared/auth/password.js';

describe('password hashing (scrypt)', () => {
  it('hashes to a self-describing string that verifies only the right password', async () => {
    const h = await hashPassword('correct horse battery staple');
    expect(h).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword('correct horse battery staple', h)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
    // Random salt: same password, different hashes.
    expect(await hashPassword('correct horse battery staple')).not.toBe(h);
    expect(needsRehash(h)).toBe(false);
  });

  it('verifies with the parameters stored in the hash and flags weaker ones for rehash', async () => {
    const weak = await hashPassword('pw-weak-params', { ln: 10, r: 8, p: 1 });
    expect(parseHash(weak)?.params).toEqual({ ln: 10, r: 8, p: 1 });
    expect(await verifyPassword('pw-weak-params', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
  });

  it('treats malformed or abusive hashes as non-matching instead of throwing or allocating', async () => {
    for (const bad of [
      '',
      'plain',
      '$scrypt$ln=15,r=8,p=1$abc',
      '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
    ]) {
      expect(await verifyPassword('x', bad)).toBe(false);
      expect(needsRehash(bad)).toBe(true);
    }
  });

  it('unicode passwords are normalised (NFKC) so equivalent input verifies', async () => {
    const h = await hashPassword('Ångström');
    expect(await verifyPassword('A\u030Angstro\u0308m', h)).toBe(true);
  });

  it('verifyAgainstDummy always answers false', async () => {
    expect(await verifyAgainstDummy('anything')).toBe(false);
  });
});
