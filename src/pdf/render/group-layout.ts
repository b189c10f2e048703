import type { GroupSpec } from '@/shared/domain/group.js';
import type { EngineField } from '../types.js';

/**
 * Grid layout of a repeating group, pure (no PDF objects): where each item's cell is, and how many
 * items each page takes. Shared by drawing and preflight.
 */

export interface GroupGrid {
  /** Top-left corner of the first cell, in the product's top-left page coordinates. */
  x: number;
  y: number;
  across: number;
  down: number;
}

export interface GroupGeometry {
  spec: GroupSpec;
  cellWidth: number;
  cellHeight: number;
  first: GroupGrid;
  /** The grid of continuation pages: the continuation box filled with as many cells as fit, else the first page's grid. */
  next: GroupGrid;
}

export function groupGeometry(field: EngineField, spec: GroupSpec): GroupGeometry {
  const cellWidth = field.size.width;
  const cellHeight = field.size.height;
  const first = { x: field.position.x, y: field.position.y, across: spec.across, down: spec.down };
  const box = spec.continuation.box;
  // A cell that does not fit the box at all still gets one place: the page then holds one item.
  const fit = (room: number, cell: number, gap: number) => Math.max(1, Math.floor((room + gap + 0.01) / (cell + gap)));
  const next = box
    ? { x: box.x, y: box.y, across: fit(box.width, cellWidth, spec.gapX), down: fit(box.height, cellHeight, spec.gapY) }
    : first;
  return { spec, cellWidth, cellHeight, first, next };
}

/** The top-left corner of the k-th cell of a page's grid (k from 0, in the group's fill order). */
export function cellAt(g: GroupGeometry, grid: GroupGrid, k: number): { x: number; y: number } {
  const { order, gapX, gapY } = g.spec;
  const col = order === 'across' ? k % grid.across : Math.floor(k / grid.down);
  const row = order === 'across' ? Math.floor(k / grid.across) : k % grid.down;
  return { x: grid.x + col * (g.cellWidth + gapX), y: grid.y + row * (g.cellHeight + gapY) };
}

/** How many items the first page takes, and how many continuation pages the rest need. */
export function paginateGroup(g: GroupGeometry, items: number): { onFirst: number; perNext: number; continuationPages: number } {
  const onFirst = Math.min(items, g.first.across * g.first.down);
  const perNext = g.next.across * g.next.down;
  return { onFirst, perNext, continuationPages: Math.ceil((items - onFirst) / perNext) };
}
