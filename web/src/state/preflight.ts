import type { PreflightResult } from '../api/types.js';
import type { EditorField } from './fields.js';
import { deepEqual } from './saver.js';

/**
 * Preflight findings as the editor shows them: one list of messages per field (drawn on the field
 * and in its property panel) and one summary line per finding naming the field it concerns.
 */

export interface PreflightLine {
  /** The editor key of the field concerned, when the finding names one the editor holds. */
  key: string | null;
  /** The field's name as the user knows it (or the binding key when the field is not on the page). */
  label: string;
  message: string;
}

/** "U+0915" whatever the API sent: a formatted string (current API) or a number. */
export function formatCodePoint(cp: string | number, char: string): string {
  if (typeof cp === 'string' && /^U\+[0-9A-F]{4,6}$/i.test(cp)) return cp.toUpperCase();
  const n = typeof cp === 'number' ? cp : (char.codePointAt(0) ?? 0);
  return `U+${n.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Every finding, in the order validation, render errors, missing glyphs, overflow, missing script fonts, unknown data keys. */
export function preflightLines(
  r: PreflightResult,
  keyOf: (fieldId: string) => string | undefined,
  nameOf: (key: string) => string | undefined,
): PreflightLine[] {
  const lines: PreflightLine[] = [];
  const push = (fieldId: string | null, fallback: string, message: string) => {
    const key = fieldId ? (keyOf(fieldId) ?? fieldId) : null;
    lines.push({ key, label: (key && nameOf(key)) || fallback, message });
  };
  for (const e of r.errors) push(e.fieldId, e.bindingKey, e.message);
  // A value validation already rejected also fails to render (e.g. an option not offered): say it once.
  const invalid = new Set(r.errors.map((e) => e.fieldId));
  for (const e of r.renderErrors ?? []) if (!invalid.has(e.fieldId)) push(e.fieldId, e.fieldId, e.message);
  // One message per field for all its missing characters: a word in another script is one problem.
  // Named by code point only: a character no font has is as likely to be missing from the
  // designer's own fonts, and would show as an empty box in this very message.
  const glyphs = new Map<string, string[]>();
  for (const g of r.missingGlyphs) {
    const points = glyphs.get(g.fieldId) ?? [];
    points.push(formatCodePoint(g.codePoint, g.char));
    glyphs.set(g.fieldId, points);
  }
  for (const [fieldId, points] of glyphs) {
    push(fieldId, fieldId, `No font has a glyph for ${points.join(', ')}: it would be left out.`);
  }
  for (const o of r.overflows) push(o.fieldId, o.fieldId, o.message);
  // The server can draw the text once the package is installed: say which one, in our words.
  for (const w of r.fontWarnings ?? [])
    push(w.fieldId, w.bindingKey, `${w.script} text needs ${w.family}, which is not installed: npm install ${w.package}`);
  // A misspelt key in the sample data prints a blank field: name the key, since no field has it.
  for (const k of r.unknownKeys ?? []) push(null, k, 'no field is bound to this key of the data: misspelt?');
  return lines;
}

/**
 * Where each table's rows go, as preflight laid them out: not problems, the answer to "does it
 * continue, and onto how many pages?" (one line per table with rows).
 */
export function tableLines(
  r: PreflightResult,
  keyOf: (fieldId: string) => string | undefined,
  nameOf: (key: string) => string | undefined,
): PreflightLine[] {
  return (r.tables ?? []).map((t) => {
    const key = keyOf(t.fieldId) ?? t.fieldId;
    const rows = `${t.rows} row${t.rows === 1 ? '' : 's'}`;
    const message =
      t.continuationRows === 0
        ? `${rows}, all in its box.`
        : `${rows}: ${t.rows - t.continuationRows} in its box, ${t.continuationRows} continue on ${t.continuationPages} added page${t.continuationPages === 1 ? '' : 's'}.`;
    return { key, label: nameOf(key) || t.bindingKey, message };
  });
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Where each repeating group's items go: how many fill the grid of its page, how many continue on how many added pages. */
export function groupLines(
  r: PreflightResult,
  keyOf: (fieldId: string) => string | undefined,
  nameOf: (key: string) => string | undefined,
): PreflightLine[] {
  return (r.groups ?? []).map((g) => {
    const key = keyOf(g.fieldId) ?? g.fieldId;
    const items = plural(g.items, 'item');
    const message =
      g.continuationItems === 0
        ? `${items}, all in the cells of its page.`
        : `${items}: ${g.items - g.continuationItems} in the cells of its page, ${g.continuationItems} continue on ${plural(g.continuationPages, 'added page')}.`;
    return { key, label: nameOf(key) || g.bindingKey, message };
  });
}

/** Where each text that continues goes: its lines, and how many continue on how many added pages. */
export function continuedTextLines(
  r: PreflightResult,
  keyOf: (fieldId: string) => string | undefined,
  nameOf: (key: string) => string | undefined,
): PreflightLine[] {
  return (r.continuedTexts ?? []).map((t) => {
    const key = keyOf(t.fieldId) ?? t.fieldId;
    const lines = plural(t.lines, 'line');
    const message =
      t.continuationLines === 0
        ? `${lines}, all in its box.`
        : `${lines}: ${t.lines - t.continuationLines} in its box, ${t.continuationLines} continue on ${plural(t.continuationPages, 'added page')}.`;
    return { key, label: nameOf(key) || t.bindingKey, message };
  });
}

/** The document's length as preflight counted it (null when the server did not say). */
export function pageCountNote(r: PreflightResult, basePages: number): string | null {
  if (r.pageCount === undefined) return null;
  const added = r.pageCount - basePages;
  return `The document will have ${plural(r.pageCount, 'page')}${added > 0 ? ` (${added} added for what continues)` : ''}.`;
}

/** The findings of each field, by editor key. */
export function issuesByField(lines: readonly PreflightLine[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of lines) if (l.key) m.set(l.key, [...(m.get(l.key) ?? []), l.message]);
  return m;
}

/** A preflight answer and what it was asked about: the fields and the sample JSON as they were then. */
export interface PreflightCheck {
  result: PreflightResult;
  fields: readonly EditorField[];
  /** The editor's sample text then (null: the one made from the fields). */
  sample: string | null;
}

/**
 * The check's answer if it still describes the editor's fields and sample, else null. Derived on
 * every render, not cleared by an effect, so "No problems found." and the marks on the fields are
 * never shown for data or fields other than the ones checked, not even for a frame.
 */
export function currentPreflight(
  check: PreflightCheck | null,
  fields: readonly EditorField[],
  sample: string | null,
): PreflightResult | null {
  return check && madeFrom(check, fields, sample) ? check.result : null;
}

/** Whether something made from the editor's state then (a check, a preview) still describes it now. */
export function madeFrom(
  made: { fields: readonly EditorField[]; sample: string | null },
  fields: readonly EditorField[],
  sample: string | null,
): boolean {
  return made.sample === sample && (made.fields === fields || deepEqual(made.fields, fields));
}
