/**
 * Looks a binding key up in a payload: the flat key first (`{"customer.name": …}`, as queue
 * messages carry it), then the nested path (`{customer: {name: …}}`), then mixed forms
 * (`{"customer": {"address.city": …}}`). TODO: dedupe with src/pdf/validate's resolver.
 */
export function resolveBinding(payload: Record<string, unknown> | undefined | null, key: string): unknown {
  if (payload == null || typeof payload !== 'object') return undefined;
  if (Object.prototype.hasOwnProperty.call(payload, key)) return payload[key];
  const parts = key.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const head = parts.slice(0, i).join('.');
    if (!Object.prototype.hasOwnProperty.call(payload, head)) continue;
    const next = payload[head];
    if (next && typeof next === 'object' && !Array.isArray(next)) {
      const v = resolveBinding(next as Record<string, unknown>, parts.slice(i).join('.'));
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

/** Present = not undefined, null, or an empty / whitespace-only string. */
export function isPresent(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.trim().length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}
