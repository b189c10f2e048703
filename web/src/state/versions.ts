import type { FieldSpec } from '@/shared/domain/field.js';
import { deepEqual } from './saver.js';

/**
 * How the draft differs from a published version, field by field (matched by field id: a field
 * keeps its id from save to save, and a published snapshot keeps the ids it was frozen with).
 */

export interface VersionedField {
  /** The server's field id (null: not saved yet, so certainly not in any version). */
  fieldId: string | null;
  spec: FieldSpec;
}

export interface VersionDiff {
  added: string[];
  removed: string[];
  /** Only the box or page changed. */
  moved: string[];
  /** Anything else changed (binding, style, rules…), whether or not it also moved. */
  changed: string[];
}

const where = (s: FieldSpec) => ({ page: s.page, position: s.position, size: s.size });
function rest(s: FieldSpec): Omit<FieldSpec, 'page' | 'position' | 'size'> {
  const { page: _p, position: _pos, size: _size, ...r } = s;
  return r;
}

export function diffVersion(published: readonly VersionedField[], draft: readonly VersionedField[]): VersionDiff {
  const before = new Map(published.map((f) => [f.fieldId, f.spec]));
  const seen = new Set<string>();
  const out: VersionDiff = { added: [], removed: [], moved: [], changed: [] };
  for (const f of draft) {
    const old = f.fieldId ? before.get(f.fieldId) : undefined;
    if (!old) {
      out.added.push(f.spec.name);
      continue;
    }
    seen.add(f.fieldId!);
    if (!deepEqual(rest(old), rest(f.spec))) out.changed.push(f.spec.name);
    else if (!deepEqual(where(old), where(f.spec))) out.moved.push(f.spec.name);
  }
  for (const f of published) if (f.fieldId && !seen.has(f.fieldId)) out.removed.push(f.spec.name);
  return out;
}

export function isUnchanged(d: VersionDiff): boolean {
  return d.added.length + d.removed.length + d.moved.length + d.changed.length === 0;
}

/** "2 added, 1 moved" — the parts that are not empty. */
export function summarize(d: VersionDiff): string {
  const parts: string[] = [];
  if (d.added.length) parts.push(`${d.added.length} added`);
  if (d.removed.length) parts.push(`${d.removed.length} removed`);
  if (d.moved.length) parts.push(`${d.moved.length} moved`);
  if (d.changed.length) parts.push(`${d.changed.length} changed`);
  return parts.join(', ');
}
