import { randomBytes } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562: 48-bit Unix milliseconds, then random bits), the kind Prisma gives
 * our rows (`@default(uuid(7))`), for ids needed before their row is written (a document's blob
 * key is named after its row). Hand-written because Prisma does not export its generator and the
 * `uuid` release our dependency tree resolves predates v7; the format is a few bit operations.
 */
export function uuidv7(now: number = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
