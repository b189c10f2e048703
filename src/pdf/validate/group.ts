import type { FieldInput } from '@/shared/domain/field.js';
import { DEFAULT_MAX_TABLE_ROWS } from '@/shared/domain/table.js';
import type { DefinitionIssue } from './definition.js';
import { MAX_ROW_ISSUES } from './table.js';

/**
 * Repeating groups (a table field with advanced.group): which fields are a group's members, what
 * makes a group's definition undrawable, and its items' validation (each item's members checked
 * by the field rules, named `labels[3].name`).
 */

type GroupedField = Pick<FieldInput, 'type' | 'bindingKey' | 'page' | 'position' | 'size' | 'name'> &
  Pick<Partial<FieldInput>, 'advanced'> & { fieldId?: string };

export function isGroup(field: Pick<FieldInput, 'type'> & Pick<Partial<FieldInput>, 'advanced'>): boolean {
  return field.type === 'table' && field.advanced?.group !== undefined;
}

/** The group each field is a member of (by the longest group key its bindingKey starts with). */
export function groupOf<F extends GroupedField>(fields: readonly F[]): Map<F, F> {
  const groups = fields.filter(isGroup);
  const out = new Map<F, F>();
  if (groups.length === 0) return out;
  for (const f of fields) {
    let best: F | undefined;
    for (const g of groups) {
      if (g !== f && f.bindingKey.startsWith(`${g.bindingKey}.`) && (!best || g.bindingKey.length > best.bindingKey.length)) best = g;
    }
    if (best) out.set(f, best);
  }
  return out;
}

/** A group problem of a template, on the field it concerns. */
export interface GroupDefinitionIssue {
  fieldId: string | undefined;
  name: string;
  issue: DefinitionIssue;
}

const TOLERANCE = 0.01;

/**
 * What stops a template's groups from being drawn: a group without members, a member outside the
 * group's cell or on another page, a member that cannot be drawn per item (a table or group of its
 * own, an AcroForm field of the PDF, an expression or condition over the whole data, a page
 * number, text that continues on other pages).
 */
export function groupDefinitionIssues(fields: readonly GroupedField[], pages?: readonly PageSize[]): GroupDefinitionIssue[] {
  const issues: GroupDefinitionIssue[] = [];
  const on = (f: GroupedField, path: string, message: string) =>
    issues.push({ fieldId: f.fieldId, name: f.name, issue: { path, code: 'invalid_group', message } });
  const membership = groupOf(fields);
  for (const g of fields.filter(isGroup)) {
    if (pages) gridIssues(g, pages, (path, message) => on(g, path, message));
    const members = fields.filter((f) => membership.get(f) === g);
    if (members.length === 0) {
      on(g, 'advanced.group', `group "${g.name}" has no members: place fields bound to ${g.bindingKey}.… inside its box (one cell)`);
    }
    for (const m of members) {
      const a = m.advanced ?? {};
      const of = `member of group "${g.name}" (${g.bindingKey})`;
      if (m.page !== g.page) on(m, 'page', `a ${of} must be on its page ${g.page}, not page ${m.page}`);
      const outside =
        m.position.x < g.position.x - TOLERANCE ||
        m.position.y < g.position.y - TOLERANCE ||
        m.position.x + m.size.width > g.position.x + g.size.width + TOLERANCE ||
        m.position.y + m.size.height > g.position.y + g.size.height + TOLERANCE;
      if (outside)
        on(m, 'position', `a ${of} must lie inside its cell (${g.size.width} × ${g.size.height} pt at ${g.position.x}, ${g.position.y})`);
      if (m.type === 'table') on(m, 'type', `a ${of} cannot be a table or group itself`);
      if (a.acroFormName !== undefined) on(m, 'advanced.acroFormName', `a ${of} cannot fill a form field of the PDF`);
      for (const property of ['expression', 'condition'] as const) {
        if (a[property] !== undefined)
          on(m, `advanced.${property}`, `a ${of} cannot have an ${property}: it reads the whole data, not one item`);
      }
      if (a.pageNumber !== undefined) on(m, 'advanced.pageNumber', `a ${of} cannot be a page number`);
      if (a.overflow === 'continue') on(m, 'advanced.overflow', `a ${of} cannot continue on other pages`);
    }
  }
  return issues;
}

/** A page's size in points (the template's pages, or the base PDF's visible boxes). */
export interface PageSize {
  width: number;
  height: number;
}

/** The grid must fit its page, and the continuation box its page and at least one cell: items drawn off the page would be lost. */
function gridIssues(g: GroupedField, pages: readonly PageSize[], add: (path: string, message: string) => void): void {
  const spec = g.advanced?.group;
  const page = pages[g.page - 1];
  if (!spec || !page) return;
  const across = spec.across ?? 1;
  const down = spec.down ?? 1;
  const right = g.position.x + across * g.size.width + (across - 1) * (spec.gapX ?? 0);
  const bottom = g.position.y + down * g.size.height + (down - 1) * (spec.gapY ?? 0);
  if (right > page.width + TOLERANCE)
    add('advanced.group.across', `${across} cells across end at x = ${right}, beyond the page's width ${page.width}`);
  if (bottom > page.height + TOLERANCE)
    add('advanced.group.down', `${down} cells down end at y = ${bottom}, beyond the page's height ${page.height}`);
  const cont = spec.continuation;
  const box = cont?.box;
  if (!box) return;
  const next = typeof cont.page === 'number' ? pages[cont.page - 1] : page;
  if (next && (box.x + box.width > next.width + TOLERANCE || box.y + box.height > next.height + TOLERANCE))
    add('advanced.group.continuation.box', `the continuation box does not lie within its page (${next.width} × ${next.height} pt)`);
  if (box.width < g.size.width - TOLERANCE || box.height < g.size.height - TOLERANCE)
    add('advanced.group.continuation.box', `the continuation box is smaller than one cell (${g.size.width} × ${g.size.height} pt)`);
}

export interface GroupItemIssue {
  bindingKey: string;
  code: 'type' | 'too_many_rows';
  message: string;
}

/**
 * A group's items: a list within the bound, each an object. `validateItem` checks one item's
 * members (with their keys as `labels[3].name`) and returns its issues; at most MAX_ROW_ISSUES are
 * listed per group.
 */
export function groupItemIssues<I>(
  field: GroupedField,
  value: unknown,
  label: string,
  maxRows: number | undefined,
  validateItem: (item: Record<string, unknown>, at: string) => I[],
): (GroupItemIssue | I)[] {
  const key = field.bindingKey;
  if (!Array.isArray(value)) return [{ bindingKey: key, code: 'type', message: `${label} must be a list of items` }];
  const max = Math.min(field.advanced?.group?.maxItems ?? Infinity, maxRows ?? DEFAULT_MAX_TABLE_ROWS);
  if (value.length > max) {
    return [{ bindingKey: key, code: 'too_many_rows', message: `${label} has ${value.length} items; one document takes at most ${max}` }];
  }
  const issues: (GroupItemIssue | I)[] = [];
  for (let i = 0; i < value.length && issues.length < MAX_ROW_ISSUES; i++) {
    const item: unknown = value[i];
    const at = `${key}[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      issues.push({ bindingKey: at, code: 'type', message: `${label}: item ${i + 1} must be an object of its fields' keys` });
      continue;
    }
    issues.push(...validateItem(item as Record<string, unknown>, at));
  }
  return issues.slice(0, MAX_ROW_ISSUES);
}
