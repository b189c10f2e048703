import type { SigningCertificate } from '@/generated/prisma/client.js';
import { NotFoundError } from '@/shared/errors.js';
import { assertId, mapWriteErrors, PrismaRepository } from './repository.js';

/** A stored certificate as listed and returned: everything but the sealed file and password. */
export type PublicSigningCertificate = Omit<SigningCertificate, 'sealed'>;

export interface CreateSigningCertificateInput {
  /** Made by the caller: the sealed value is bound to it (authenticated data), so it exists before the row. */
  id: string;
  userId: string;
  name: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  keyId: string;
  sealed: Uint8Array;
}

const OMIT_SEALED = { sealed: true } as const;
/** Per account; far beyond any real use, it bounds what one account can store. */
export const MAX_CERTIFICATES_PER_USER = 100;

export class SigningCertificatesRepository extends PrismaRepository {
  async create(input: CreateSigningCertificateInput): Promise<PublicSigningCertificate> {
    const { sealed, ...rest } = input;
    return mapWriteErrors('User', input.userId, () =>
      this.db.signingCertificate.create({ data: { ...rest, sealed: Buffer.from(sealed) }, omit: OMIT_SEALED }),
    );
  }

  /** The account's certificates, newest first. */
  async list(userId: string): Promise<PublicSigningCertificate[]> {
    assertId('User', userId);
    return this.db.signingCertificate.findMany({
      where: { userId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      omit: OMIT_SEALED,
      take: MAX_CERTIFICATES_PER_USER,
    });
  }

  async count(userId: string): Promise<number> {
    assertId('User', userId);
    return this.db.signingCertificate.count({ where: { userId } });
  }

  async getOwned(userId: string, id: string): Promise<PublicSigningCertificate> {
    assertId('SigningCertificate', id);
    const row = await this.db.signingCertificate.findFirst({ where: { id, userId }, omit: OMIT_SEALED });
    if (!row) throw new NotFoundError('SigningCertificate', id);
    return row;
  }

  /** With its sealed value: for signing only, never for an answer. */
  async getSealed(userId: string, id: string): Promise<SigningCertificate | null> {
    assertId('SigningCertificate', id);
    return this.db.signingCertificate.findFirst({ where: { id, userId } });
  }

  async delete(userId: string, id: string): Promise<void> {
    assertId('SigningCertificate', id);
    const { count } = await this.db.signingCertificate.deleteMany({ where: { id, userId } });
    if (count === 0) throw new NotFoundError('SigningCertificate', id);
  }
}
