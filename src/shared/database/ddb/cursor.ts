import { ValidationError } from '@/shared/errors.js';

/**
 * Opaque paging cursors: base64url of `{v, k}` where k is DynamoDB's LastEvaluatedKey. Clients
 * must treat it as opaque; we still validate everything on the way back in (shape, the exact key
 * attributes of the index, scalar values, and that it belongs to the partition being queried), so
 * a tampered cursor is a 400 with a clear message and never reaches DynamoDB as a surprise
 * ExclusiveStartKey. No secret is involved: a well-formed key of the same partition only moves the
 * start position within data the caller may read anyway.
 */

const VERSION = 1;
const MAX_CURSOR_LENGTH = 2048;

export type CursorKey = Record<string, string | number>;

function invalid(reason: string): ValidationError {
  return new ValidationError('invalid cursor', [{ path: 'cursor', code: 'invalid_cursor', message: reason }], 'invalid_cursor');
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  if (!key) return undefined;
  return Buffer.from(JSON.stringify({ v: VERSION, k: key }), 'utf8').toString('base64url');
}

export interface CursorExpectation {
  /** Exactly these attributes must be present (table key + index key). */
  attributes: readonly string[];
  /** Attributes whose value must equal the query's (the partition key). */
  fixed?: Record<string, string | number>;
}

export function decodeCursor(cursor: string, expect: CursorExpectation): CursorKey {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalid('not a cursor issued by this API');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor issued by this API');
  }
  if (!parsed || typeof parsed !== 'object' || (parsed as { v?: unknown }).v !== VERSION) throw invalid('unknown cursor version');
  const key = (parsed as { k?: unknown }).k;
  if (!key || typeof key !== 'object' || Array.isArray(key)) throw invalid('cursor has no key');
  const entries = Object.entries(key as Record<string, unknown>);
  const expected = new Set(expect.attributes);
  if (entries.length !== expected.size || entries.some(([name]) => !expected.has(name)))
    throw invalid('cursor does not match this listing');
  for (const [name, value] of entries) {
    const scalar =
      (typeof value === 'string' && value.length > 0 && value.length <= 1024) || (typeof value === 'number' && Number.isFinite(value));
    if (!scalar) throw invalid(`cursor attribute ${name} is malformed`);
  }
  for (const [name, value] of Object.entries(expect.fixed ?? {})) {
    if ((key as Record<string, unknown>)[name] !== value) throw invalid('cursor belongs to another listing');
  }
  return key as CursorKey;
}
