import type { FieldSpec } from '@/shared/domain/field.js';
import { groupSchema, type GroupSpec } from '@/shared/domain/group.js';
import { cellAt, groupGeometry } from '@/pdf/render/group-layout.js';
import type { Rect } from './geometry.js';

/**
 * Repeating groups in the studio: a table field with advanced.group whose box is one cell, and
 * whose members are the fields bound to `<groupKey>.…`. Placement of the cells is the engine's own
 * pure layout (group-layout), so the canvas shows the cells where generation will draw the items.
 */

type Grouped = Pick<FieldSpec, 'type' | 'bindingKey' | 'advanced'>;

/** What a new group starts with: a small label sheet, 2 × 4 cells with a gap between them. */
export const DEFAULT_GROUP: GroupSpec = groupSchema.parse({ across: 2, down: 4, gapX: 10, gapY: 10 });

/** One cell of a new group: an address label. */
export const DEFAULT_GROUP_CELL = { width: 180, height: 72 };

/** Keys a new group tries first (what label sheets and lists of certificates are usually called). */
const GROUP_KEYS = ['labels', 'items', 'cards'];

export function isGroup(f: Grouped): boolean {
  return f.type === 'table' && f.advanced.group !== undefined;
}

/** A key no field uses, neither as its own key nor as the start of one (`labels.name` makes `labels` taken). */
export function freeGroupKey(taken: ReadonlySet<string>): string {
  const used = (k: string) => taken.has(k) || [...taken].some((t) => t.startsWith(`${k}.`));
  for (const k of GROUP_KEYS) if (!used(k)) return k;
  for (let n = 2; ; n += 1) if (!used(`labels${n}`)) return `labels${n}`;
}

/**
 * The group each field belongs to, as the engine decides it: the group with the longest key that
 * the field's bindingKey starts with, followed by a dot.
 */
export function groupOfField<F extends Grouped>(fields: readonly F[], f: F): F | undefined {
  let best: F | undefined;
  for (const g of fields) {
    if (g === f || !isGroup(g) || !f.bindingKey.startsWith(`${g.bindingKey}.`)) continue;
    if (!best || g.bindingKey.length > best.bindingKey.length) best = g;
  }
  return best;
}

/** The members of group `g`, in the template's order. */
export function groupMembers<F extends Grouped>(fields: readonly F[], g: F): F[] {
  return fields.filter((f) => groupOfField(fields, f) === g);
}

/** A member's key inside one item (`name` for `labels.name` in group `labels`). */
export function memberKey(g: Pick<FieldSpec, 'bindingKey'>, m: Pick<FieldSpec, 'bindingKey'>): string {
  return m.bindingKey.slice(g.bindingKey.length + 1);
}

/** Whether a member lies in the group's cell, on its page (else the engine refuses the template). */
export function insideCell(g: Pick<FieldSpec, 'page' | 'position' | 'size'>, m: Pick<FieldSpec, 'page' | 'position' | 'size'>): boolean {
  const e = 0.01;
  return (
    m.page === g.page &&
    m.position.x >= g.position.x - e &&
    m.position.y >= g.position.y - e &&
    m.position.x + m.size.width <= g.position.x + g.size.width + e &&
    m.position.y + m.size.height <= g.position.y + g.size.height + e
  );
}

/**
 * The cells of the group's own page, in fill order (the first is the field's box): where its
 * first `across × down` items go.
 */
export function groupCells(f: FieldSpec): Rect[] {
  const spec = f.advanced.group;
  if (!spec) return [];
  const g = groupGeometry({ ...f, fieldId: '' }, spec);
  return Array.from({ length: spec.across * spec.down }, (_, k) => ({
    ...cellAt(g, g.first, k),
    width: g.cellWidth,
    height: g.cellHeight,
  }));
}

/** How far the grid reaches beyond a page of `size` (0 when it fits), in points right and down. */
export function gridOverflow(f: FieldSpec, size: { width: number; height: number }) {
  const cells = groupCells(f);
  const right = Math.max(0, ...cells.map((c) => c.x + c.width - size.width));
  const bottom = Math.max(0, ...cells.map((c) => c.y + c.height - size.height));
  return { right: right > 0.01 ? right : 0, bottom: bottom > 0.01 ? bottom : 0 };
}
