/**
 * Turns AcroForm field names into binding keys our schema accepts (dot-separated identifiers:
 * `^[A-Za-z_$][\w$-]*(\.[A-Za-z_$0-9][\w$-]*)*$`) and keeps them unique within one template.
 *
 * - Dots keep their meaning (AcroForm's own hierarchy: `favorite.planet` stays `favorite.planet`).
 * - XFA-style indices are dropped when 0 and kept as a suffix otherwise: `Page2[1]` → `Page2_1`.
 * - Accents are folded (`Prénom` → `Prenom`); other characters (spaces, emoji, `#`, `+`) become `_`.
 * - A key that equals another or is a dotted prefix of another (`a` vs `a.b`, which would make one
 *   payload key an object and a value at once) gets a numeric suffix.
 */

export const BINDING_KEY_RE = /^[A-Za-z_$][\w$-]*(\.[A-Za-z_$0-9][\w$-]*)*$/;
const MAX_KEY = 200;

/** Latin letters that Unicode decomposition does not reduce to ASCII. */
const FOLD: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
  Þ: 'Th',
  ð: 'd',
  Ð: 'D',
};

function cleanSegment(segment: string, first: boolean): string {
  let s = segment.replace(/\[(\d+)\]/g, (_, n: string) => (n === '0' ? '' : `_${n}`));
  s = s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[ßæÆœŒøØđĐłŁþÞðÐ]/g, (c) => FOLD[c]);
  s = s
    .replace(/[^\w$-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '');
  if (!s) return '';
  if (first ? !/^[A-Za-z_$]/.test(s) : !/^[A-Za-z_$0-9]/.test(s)) s = `_${s}`;
  return s;
}

/** The sanitised key of one name, not yet made unique. */
export function sanitizeBindingKey(name: string): string {
  const segments: string[] = [];
  for (const raw of name.split('.')) {
    const seg = cleanSegment(raw, segments.length === 0);
    if (seg) segments.push(seg);
  }
  let key = segments.join('.') || 'field';
  if (key.length > MAX_KEY) key = key.slice(key.length - MAX_KEY).replace(/^[^A-Za-z_$]+/, '') || 'field';
  return key;
}

/** Hands out unique keys: no duplicates and no key that is a dotted prefix of another. */
export class BindingKeyAllocator {
  private readonly keys = new Set<string>();
  private readonly prefixes = new Set<string>();

  private clashes(key: string): boolean {
    if (this.keys.has(key) || this.prefixes.has(key)) return true;
    const parts = key.split('.');
    for (let i = 1; i < parts.length; i++) if (this.keys.has(parts.slice(0, i).join('.'))) return true;
    return false;
  }

  allocate(name: string): string {
    const base = sanitizeBindingKey(name);
    let key = base;
    for (const candidate of this.candidates(base)) {
      key = candidate;
      if (!this.clashes(candidate)) break;
    }
    this.keys.add(key);
    const parts = key.split('.');
    for (let i = 1; i < parts.length; i++) this.prefixes.add(parts.slice(0, i).join('.'));
    return key;
  }

  /**
   * base, base_2 … base_50; then, because a suffix cannot cure a clash on a dotted prefix
   * (`a` taken, `a.b` wanted), the flattened form a_b, a_b_2, … which always ends.
   */
  private *candidates(base: string): Generator<string> {
    const suffixed = (k: string, n: number) => `${k.slice(0, MAX_KEY - String(n).length - 1)}_${n}`;
    yield base;
    for (let n = 2; n <= 50; n++) yield suffixed(base, n);
    const flat = base.replace(/\./g, '_');
    yield flat;
    for (let n = 2; ; n++) yield suffixed(flat, n);
  }
}
