import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from '@/shared/config/index.js';

/**
 * The key that seals stored signing certificates (AES-256-GCM), resolved like the JWT secret:
 * CERTIFICATE_ENCRYPTION_KEY anywhere, else CERTIFICATE_ENCRYPTION_KEY_ARN from Secrets Manager,
 * else derived (HKDF-SHA256, its own label) from the JWT secret — which itself comes from Secrets
 * Manager in AWS and from `.data/jwt-secret` in embedded mode — so the key never sits in the
 * database next to what it seals. A derived key changes with the JWT secret: deployments that rotate
 * it set a key of its own. Each sealed value names its key by a digest (`keyId`), so a changed key
 * is reported as such rather than as corrupt data.
 */

export interface SealingKey {
  key: Buffer;
  /** First 16 hex characters of a digest of the key: identifies it, reveals nothing. */
  id: string;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

function keyFrom(material: string): Buffer {
  const trimmed = material.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const b64 = Buffer.from(trimmed, 'base64');
  if (b64.length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(trimmed)) return b64;
  // A passphrase: stretched to 32 bytes (it is already ≥ 32 characters of operator-chosen secret).
  return Buffer.from(hkdfSync('sha256', trimmed, 'pdf-studio', 'certificate-encryption-key passphrase', 32));
}

function withId(key: Buffer): SealingKey {
  return { key, id: createHash('sha256').update('pdf-studio key id\0').update(key).digest('hex').slice(0, 16) };
}

const fromArn = new Map<string, Promise<Buffer>>();

async function loadArn(config: Config, arn: string): Promise<Buffer> {
  const client = new SecretsManagerClient({ region: config.region });
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  const value = (out.SecretString ?? '').trim();
  const material = value.startsWith('{') ? String((JSON.parse(value) as Record<string, unknown>).key ?? '') : value;
  if (material.length < 32) throw new Error(`The certificate encryption key in ${arn} is shorter than 32 characters`);
  return keyFrom(material);
}

export async function resolveCertificateKey(config: Config, signingSecret: string): Promise<SealingKey> {
  const { certificateKey, certificateKeyArn } = config.auth;
  if (certificateKey) return withId(keyFrom(certificateKey));
  if (certificateKeyArn) {
    let pending = fromArn.get(certificateKeyArn);
    if (!pending) {
      pending = loadArn(config, certificateKeyArn);
      fromArn.set(certificateKeyArn, pending);
      pending.catch(() => fromArn.delete(certificateKeyArn));
    }
    return withId(await pending);
  }
  return withId(Buffer.from(hkdfSync('sha256', signingSecret, 'pdf-studio', 'signing-certificates v1', 32)));
}

/**
 * version ‖ IV ‖ tag ‖ ciphertext. `context` (the row's id and owner) is authenticated data: a
 * sealed value copied into another row or account does not open there.
 */
export function seal(key: SealingKey, plaintext: Uint8Array, context: string): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]));
}

/** The plaintext, or null when the value does not open with this key and context (tampered, moved or another key). */
export function unseal(key: SealingKey, sealed: Uint8Array, context: string): Uint8Array | null {
  const buf = Buffer.from(sealed);
  if (buf.length < 1 + IV_BYTES + TAG_BYTES || buf[0] !== VERSION) return null;
  const decipher = createDecipheriv('aes-256-gcm', key.key, buf.subarray(1, 1 + IV_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(buf.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(buf.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]));
  } catch {
    return null;
  }
}
