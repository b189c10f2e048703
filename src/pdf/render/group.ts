import { DEFAULT_MAX_TABLE_ROWS } from '@/shared/domain/table.js';
import type { PageBox } from '../coordinates.js';
import { PdfError } from '../errors.js';
import type { EngineField, RenderLimits } from '../types.js';
import type { DocumentCanvas } from './canvas.js';
import { assertPageBound, planContinuation, type ContinuationPlan } from './continuation.js';
import { drawBox, drawField, frameMatrix, type PreparedField } from './draw.js';
import { parseColor } from './canvas.js';
import { cellAt, groupGeometry, paginateGroup, type GroupGeometry } from './group-layout.js';

/**
 * Draws a repeating group: its member fields once per item, each item in its cell of the grid,
 * and the items that do not fit on continuation pages added after the group's page. Members are
 * page content also in fillable output (a form field per label would share one name per member).
 */

export interface GroupMember {
  /** The member as compiled (font chain, page box). */
  prepared: PreparedField;
  /** The member with its key inside an item (`name` for `labels.name`), as drawn for each item. */
  field: EngineField;
  /** Its place relative to the cell's top-left corner. */
  dx: number;
  dy: number;
}

export interface GroupPlan extends ContinuationPlan {
  geometry: GroupGeometry;
  members: GroupMember[];
}

/** At compile time: the grid and where it continues; members are attached by compile (groupMembers). */
export function planGroup(field: EngineField, pageIndex: number, pageBoxes: readonly PageBox[]): GroupPlan | undefined {
  const spec = field.advanced.group;
  if (!spec) return undefined;
  return { ...planContinuation(field, spec.continuation, pageIndex, pageBoxes), geometry: groupGeometry(field, spec), members: [] };
}

/** The fields bound inside the group's items (`<key>.…`), relative to its cell. */
export function groupMembers(group: EngineField, prepared: readonly PreparedField[]): GroupMember[] {
  const prefix = `${group.bindingKey}.`;
  return prepared
    .filter((p) => p.field !== group && p.field.bindingKey.startsWith(prefix))
    .map((p) => ({
      prepared: p,
      field: { ...p.field, bindingKey: p.field.bindingKey.slice(prefix.length) },
      dx: p.field.position.x - group.position.x,
      dy: p.field.position.y - group.position.y,
    }));
}

/**
 * Draws the items; `onNewPage` is called for each continuation page (to draw the fields that
 * repeat there). Returns the number of continuation pages.
 */
export async function drawGroup(
  doc: DocumentCanvas,
  field: EngineField,
  plan: GroupPlan,
  items: readonly unknown[],
  limits: RenderLimits,
  onNewPage: (pageIndex: number) => Promise<void>,
): Promise<number> {
  const g = plan.geometry;
  const maxItems = Math.min(g.spec.maxItems ?? Infinity, limits.maxRows ?? DEFAULT_MAX_TABLE_ROWS);
  if (items.length > maxItems) {
    throw new PdfError('group_too_many_items', `Group "${field.name}" has ${items.length} items; one document takes at most ${maxItems}`, {
      fieldId: field.fieldId,
      bindingKey: field.bindingKey,
      items: items.length,
      maxItems,
    });
  }
  const { onFirst, perNext, continuationPages } = paginateGroup(g, items.length);
  assertPageBound(doc, field, continuationPages, limits.maxPages);
  const framed = parseColor(field.style.backgroundColor) || (parseColor(field.style.borderColor) && field.style.borderWidth > 0);
  let pageIndex = plan.pageIndex;
  for (let i = 0; i < items.length; i++) {
    const first = i < onFirst;
    const k = first ? i : (i - onFirst) % perNext;
    if (!first && k === 0) {
      pageIndex = doc.addPage(plan.pageIndex, plan.source);
      await onNewPage(pageIndex);
    }
    const item = items[i];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new PdfError('payload_invalid', `Group "${field.name}": item ${i + 1} must be an object of its fields' keys`, {
        fieldId: field.fieldId,
        bindingKey: `${field.bindingKey}[${i}]`,
      });
    }
    const cell = cellAt(g, first ? g.first : g.next, k);
    const pageBox = first ? plan.pageBox : plan.nextPageBox;
    // The group's own background and border outline every cell (a label's edge, a certificate's frame).
    if (framed) {
      const page = doc.page(pageIndex);
      page.push('q', frameMatrix({ field: { ...field, position: cell }, pageBox }));
      drawBox(page, field, g.cellWidth, g.cellHeight);
      page.push('Q');
    }
    const mark = doc.warnings.length;
    for (const m of plan.members) {
      const placed = { ...m.field, position: { x: cell.x + m.dx, y: cell.y + m.dy } };
      await drawField(doc, { ...m.prepared, field: placed, pageIndex, pageBox }, item as Record<string, unknown>, limits);
    }
    // Warnings name the item's value, as validation errors do (labels[3].name).
    for (const w of doc.warnings.slice(mark)) w.bindingKey = `${field.bindingKey}[${i}].${w.bindingKey}`;
  }
  return continuationPages;
}
