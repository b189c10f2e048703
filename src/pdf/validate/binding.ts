/**
 * Looks a binding key (`customer.address.city`) up in a payload. The shared resolver of the engine:
 * validation, preflight and rendering must agree on what a key means.
 *
 * Order, so that both payload shapes the product accepts work and mixtures do too:
 * 1. the flat key itself (`{"customer.name": …}`, as fire-and-forget queue messages may carry payloads);
 * 2. the nested path (`{customer: {name: …}}`), trying at each level first the longest dotted
 *    prefix that exists as a key (`{"customer": {"address.city": …}}` and `{"customer.address": {city}}`).
 * A present value of `null` counts as found (and then as absent by `isPresent`). Arrays are indexed
 * by numeric segments (`items.0.name`). Only own properties are read (no `__proto__`/`constructor`).
 */
export function resolveBinding(payload: unknown, key: string): unknown {
  return lookup(payload, key.split('.'), 0);
}

const MAX_DEPTH = 32;

function lookup(node: unknown, parts: string[], depth: number): unknown {
  if (parts.length === 0) return node;
  if (node === null || typeof node !== 'object' || depth > MAX_DEPTH) return undefined;
  const obj = node as Record<string, unknown>;
  // Longest prefix first: "a.b" as one key wins over a nested a → b.
  for (let i = parts.length; i >= 1; i--) {
    const head = parts.slice(0, i).join('.');
    if (!Object.prototype.hasOwnProperty.call(obj, head)) continue;
    if (Array.isArray(obj) && !/^\d+$/.test(head)) continue;
    const found = lookup(obj[head], parts.slice(i), depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Present = not undefined, null, an empty / whitespace-only string, or an empty array. */
export function isPresent(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.trim().length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}
