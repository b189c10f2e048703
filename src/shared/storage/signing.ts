import { createHmac, timingSafeEqual } from 'node:crypto';
import { assertValidKey } from './keys.js';
import { bucketNameSchema, SignedUrlExpiredError, SignedUrlInvalidError, type BucketName } from './types.js';

/**
 * HMAC-signed URLs for the local driver: `/blobs/<bucket>/<key>?expires=…&sig=…` (plus `max` and
 * `ct` for uploads, `filename` for downloads). The API serves and accepts them after
 * verifySignedUrl(); every parameter that changes what the URL grants is inside the signature.
 * Hand-written because it is a dozen lines of node:crypto and no library fits this exact shape.
 */

export const SIGNED_URL_PREFIX = '/blobs/';

export interface SignedGrant {
  method: 'GET' | 'PUT';
  bucket: BucketName;
  key: string;
  /** Unix seconds. */
  expires: number;
  maxBytes?: number;
  contentType?: string;
  filename?: string;
}

function canonical(g: SignedGrant): string {
  return ['v1', g.method, g.bucket, g.key, String(g.expires), g.maxBytes ?? '', g.contentType ?? '', g.filename ?? ''].join('\n');
}

function sign(secret: string, g: SignedGrant): string {
  return createHmac('sha256', secret).update(canonical(g)).digest('base64url');
}

export function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** Path + query of a signed URL (relative; prefix it with the public base URL). */
export function buildSignedPath(secret: string, grant: SignedGrant): string {
  if (!secret) throw new Error('a signing secret is required for local signed URLs');
  const q = new URLSearchParams();
  if (grant.method === 'PUT') q.set('op', 'put');
  q.set('expires', String(grant.expires));
  if (grant.maxBytes !== undefined) q.set('max', String(grant.maxBytes));
  if (grant.contentType !== undefined) q.set('ct', grant.contentType);
  if (grant.filename !== undefined) q.set('filename', grant.filename);
  q.set('sig', sign(secret, grant));
  return `${SIGNED_URL_PREFIX}${grant.bucket}/${encodeKeyPath(grant.key)}?${q.toString()}`;
}

export interface VerifyOptions {
  secret: string;
  /** The HTTP method of the request being served: a GET URL never authorises a PUT and vice versa. */
  method: 'GET' | 'PUT';
  now?: Date;
}

/**
 * Checks a request URL (absolute, or path + query as Fastify's request.url gives it) and returns
 * what it grants. Throws SignedUrlInvalidError for anything tampered or malformed and
 * SignedUrlExpiredError once the expiry has passed (checked after the signature, so an attacker
 * cannot learn anything from an expired-looking forged URL).
 */
export function verifySignedUrl(input: string | URL, options: VerifyOptions): SignedGrant {
  const url = typeof input === 'string' ? new URL(input, 'http://signed.invalid') : input;
  if (!url.pathname.startsWith(SIGNED_URL_PREFIX)) throw new SignedUrlInvalidError('not a blob URL');
  const rest = url.pathname.slice(SIGNED_URL_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) throw new SignedUrlInvalidError('no bucket or key');
  const bucketParsed = bucketNameSchema.safeParse(rest.slice(0, slash));
  if (!bucketParsed.success) throw new SignedUrlInvalidError('unknown bucket');
  let key: string;
  try {
    key = rest
      .slice(slash + 1)
      .split('/')
      .map(decodeURIComponent)
      .join('/');
    assertValidKey(key);
  } catch {
    throw new SignedUrlInvalidError('bad key');
  }
  const q = url.searchParams;
  const sig = q.get('sig');
  const expiresRaw = q.get('expires');
  if (!sig || !expiresRaw || !/^\d{1,12}$/.test(expiresRaw)) throw new SignedUrlInvalidError('missing signature or expiry');
  const isPut = q.get('op') === 'put';
  if ((options.method === 'PUT') !== isPut) throw new SignedUrlInvalidError('method not allowed by this URL');
  const maxRaw = q.get('max');
  if (maxRaw !== null && !/^\d{1,15}$/.test(maxRaw)) throw new SignedUrlInvalidError('bad max');
  const grant: SignedGrant = {
    method: options.method,
    bucket: bucketParsed.data,
    key,
    expires: Number(expiresRaw),
    maxBytes: maxRaw === null ? undefined : Number(maxRaw),
    contentType: q.get('ct') ?? undefined,
    filename: q.get('filename') ?? undefined,
  };
  const expected = Buffer.from(sign(options.secret, grant));
  const given = Buffer.from(sig);
  // timingSafeEqual needs equal lengths; the length of a base64url HMAC is public anyway.
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new SignedUrlInvalidError('bad signature');
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (grant.expires <= now) throw new SignedUrlExpiredError(new Date(grant.expires * 1000));
  return grant;
}
