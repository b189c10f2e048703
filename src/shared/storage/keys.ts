import { InvalidBlobKeyError } from './types.js';

const MAX_KEY_BYTES = 1024; // S3's own limit

/**
 * Keys are relative, '/'-separated paths. Anything that could climb out of a bucket directory
 * (or means something else on some file system) is refused rather than rewritten, so a key
 * always names the same object on every driver.
 */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidBlobKeyError(String(key), 'key is empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new InvalidBlobKeyError(key, `key is longer than ${MAX_KEY_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new InvalidBlobKeyError(key, 'key contains control characters');
  if (key.includes('\\')) throw new InvalidBlobKeyError(key, 'key contains a backslash');
  if (key.startsWith('/')) throw new InvalidBlobKeyError(key, 'key is absolute');
  if (/^[a-zA-Z]:/.test(key)) throw new InvalidBlobKeyError(key, 'key starts with a drive letter');
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidBlobKeyError(key, 'key has an empty path segment');
    if (segment === '.' || segment === '..') throw new InvalidBlobKeyError(key, 'key has a "." or ".." segment');
  }
}

/** A prefix may end with '/' and may be empty; otherwise the same rules as a key. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  assertValidKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
