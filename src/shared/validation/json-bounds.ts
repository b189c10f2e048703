import { z } from 'zod';

/**
 * Bounds for client JSON that is stored or queued (job records, profile preferences). Deeply nested
 * JSON parses fine but later overflows the stack where it is serialised (JSON.stringify, the
 * database driver), and PostgreSQL refuses NUL (U+0000) in text and jsonb: both are found here,
 * with plain loops, so the request is answered 400 naming the place instead of 500.
 */

export const MAX_JSON_DEPTH = 64;
/** Values (objects, arrays, scalars) in one document; a wide document costs as much as a deep one. */
export const MAX_JSON_NODES = 200_000;

export interface JsonProblem {
  path: (string | number)[];
  message: string;
}

export function jsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH, maxNodes = MAX_JSON_NODES): JsonProblem | undefined {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  let nodes = 0;
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (++nodes > maxNodes) return { path: [], message: `has more than ${maxNodes} values` };
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { path, message: 'contains a NUL character (\\u0000), which cannot be stored' };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= maxDepth) return { path: path.slice(0, 8), message: `is nested deeper than ${maxDepth} levels` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
    } else {
      for (const [k, child] of Object.entries(v)) {
        if (k.includes('\u0000')) return { path, message: 'has a key with a NUL character (\\u0000), which cannot be stored' };
        stack.push({ v: child, path: [...path, k] });
      }
    }
  }
  return undefined;
}

/** A JSON object (`Record<string, unknown>`) within the depth, size and NUL bounds above. */
export function boundedJsonObject(maxDepth = MAX_JSON_DEPTH, maxNodes = MAX_JSON_NODES) {
  return z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
    const p = jsonProblem(v, maxDepth, maxNodes);
    if (p) ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
  });
}

/** Text stored in PostgreSQL: NUL is refused at the schema (400 naming the field) rather than by the database (500). */
export const NO_NUL_MESSAGE = 'must not contain NUL characters (\\u0000)';
export const noNul = (s: string): boolean => !s.includes('\u0000');
