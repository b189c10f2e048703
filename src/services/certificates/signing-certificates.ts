import { createHash, randomUUID } from 'node:crypto';
import type { OutputSecrets } from '@/pdf/output/options.js';
import { MAX_CERTIFICATES_PER_USER, type PublicSigningCertificate } from '@/shared/database/prisma/index.js';
import { resolveCertificateKey, seal, unseal } from '@/shared/auth/certificate-key.js';
import { AppError, ConflictError } from '@/shared/errors.js';
import type { Services } from '@/services/context.js';

/**
 * Signing certificates kept for an account: the PKCS#12 is read at upload (a wrong password, an
 * expired or unreadable certificate is refused then, typed, and nothing is stored), its public facts
 * are kept in clear, and the file with its password only sealed (AES-256-GCM, certificate-key.ts).
 * Generation names one by `signature.certificateId`; it is opened just before signing, in memory.
 */

export interface UploadCertificateInput {
  name?: string;
  p12: Uint8Array;
  password: string;
}

/** Sealed as: 4-byte big-endian length of the password (UTF-8), the password, the PKCS#12. */
function pack(p12: Uint8Array, password: string): Uint8Array {
  const pw = Buffer.from(password, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(pw.length);
  return new Uint8Array(Buffer.concat([len, pw, p12]));
}

function unpack(plain: Uint8Array): { p12: Uint8Array; password: string } {
  const buf = Buffer.from(plain);
  const n = buf.readUInt32BE(0);
  return { password: buf.subarray(4, 4 + n).toString('utf8'), p12: new Uint8Array(buf.subarray(4 + n)) };
}

/** Authenticated data of a sealed certificate: it opens only in its own row of its own account. */
const contextOf = (userId: string, id: string) => `signing-certificate:${userId}:${id}`;

export async function uploadCertificate(
  services: Services,
  userId: string,
  input: UploadCertificateInput,
  now = new Date(),
): Promise<PublicSigningCertificate> {
  const { repos } = services;
  // Typed refusals (certificate_password_invalid, certificate_expired, certificate_invalid) from the
  // reader, loaded on first use (node-forge stays off the API's thread until a certificate comes).
  const { loadSigningIdentity } = await import('@/pdf/output/p12.js');
  const identity = loadSigningIdentity(input.p12, input.password, now);
  if ((await repos.signingCertificates.count(userId)) >= MAX_CERTIFICATES_PER_USER) {
    throw new ConflictError('certificate_limit_reached', `An account keeps at most ${MAX_CERTIFICATES_PER_USER} signing certificates`, {
      limit: MAX_CERTIFICATES_PER_USER,
    });
  }
  const key = await resolveCertificateKey(services.config, services.signingSecret);
  const id = randomUUID();
  return repos.signingCertificates.create({
    id,
    userId,
    name: input.name?.trim() || identity.subject,
    subject: identity.subject,
    issuer: identity.issuer,
    serialNumber: identity.serialNumber,
    fingerprint: createHash('sha256').update(identity.certificate).digest('hex'),
    notBefore: identity.notBefore,
    notAfter: identity.notAfter,
    keyId: key.id,
    sealed: seal(key, pack(input.p12, input.password), contextOf(userId, id)),
  });
}

/**
 * The certificate secrets for a document whose signature names `certificateId`: 422
 * certificate_not_found when the account has no such certificate (another account's included),
 * 500 certificate_key_unavailable when the server's key is no longer the one that sealed it.
 */
export async function openCertificate(
  services: Services,
  userId: string,
  certificateId: string,
): Promise<NonNullable<OutputSecrets['certificate']>> {
  const notFound = () => new AppError('certificate_not_found', 'No signing certificate of this account has that id', { certificateId });
  const row = await services.repos.signingCertificates.getSealed(userId, certificateId).catch(() => null);
  if (!row) throw notFound();
  const key = await resolveCertificateKey(services.config, services.signingSecret);
  const plain = row.keyId === key.id ? unseal(key, row.sealed, contextOf(userId, row.id)) : null;
  if (!plain) {
    throw new AppError(
      'certificate_key_unavailable',
      "The certificate was sealed with another key than the server's current one; upload it again",
      { certificateId },
    );
  }
  return unpack(plain);
}

/**
 * The request's secrets with the stored certificate its signature names. A certificate posted
 * with the request wins (it is the more specific of the two).
 */
export async function withStoredCertificate(
  services: Services,
  userId: string,
  certificateId: string | undefined,
  secrets: OutputSecrets | undefined,
): Promise<OutputSecrets | undefined> {
  if (!certificateId || secrets?.certificate) return secrets;
  return { ...secrets, certificate: await openCertificate(services, userId, certificateId) };
}
