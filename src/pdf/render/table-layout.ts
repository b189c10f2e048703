import type { TableColumn, TableSpec } from '@/shared/domain/table.js';
export { DEFAULT_MAX_TABLE_ROWS } from '@/shared/domain/table.js';
import type { Rect } from '../coordinates.js';
import type { FontChain, FontRegistry } from '../fonts/registry.js';
import type { EngineField } from '../types.js';
import { isPresent, resolveBinding } from './binding.js';
import { formatValue } from './format.js';
import { layoutText, type LayoutResult } from './text-layout.js';

/**
 * Table layout, pure (no PDF objects): cell text per row, row heights, and the split of the rows
 * over the table's box and its continuation boxes. Each column is drawn as a text field of its
 * own (a cell field derived once per template), so cells format, wrap and shrink exactly as
 * fields do.
 */

export interface PreparedColumn {
  column: TableColumn;
  /** The column as a text-like field: format, alignment and font of its cells. */
  cell: EngineField;
  /** Share of the table's width (the weights normalised to 1). */
  share: number;
}

export interface PreparedTable {
  spec: TableSpec;
  columns: PreparedColumn[];
  /** Header cells: the columns' cell fields in the header's style. */
  headers: EngineField[];
  chain: FontChain;
  headerChain: FontChain;
}

export interface RowLayout {
  height: number;
  /** One per column; undefined for an empty cell. */
  cells: (LayoutResult | undefined)[];
  /** Cells whose text did not fit (cut or shrunk past the minimum). */
  overflowed: number;
}

export interface TableSegment {
  /** The box of this part of the table, in the product's top-left page coordinates. */
  box: Rect;
  /** Column widths in this box. */
  widths: number[];
  header: RowLayout | undefined;
  rows: { index: number; layout: RowLayout }[];
}

/** The table's box on its own page, and on continuation pages (the product's top-left page coordinates). */
export function tableBoxes(field: EngineField, spec: TableSpec): { box: Rect; nextBox: Rect } {
  const box = { x: field.position.x, y: field.position.y, width: field.size.width, height: field.size.height };
  return { box, nextBox: spec.continuation.box ?? box };
}

export function prepareTable(field: EngineField, spec: TableSpec, fonts: FontRegistry): PreparedTable {
  const total = spec.columns.reduce((a, c) => a + c.width, 0);
  const cellOf = (c: TableColumn, header: boolean): EngineField => ({
    ...field,
    name: `${field.name} › ${c.header || c.key}`,
    bindingKey: `${field.bindingKey}[].${c.key}`,
    type: header ? 'text' : c.format,
    style: {
      ...field.style,
      textAlign: c.align,
      bold: header ? spec.header.bold : field.style.bold,
      textColor: header ? spec.header.textColor : field.style.textColor,
      backgroundColor: 'transparent',
      borderColor: 'transparent',
      borderWidth: 0,
    },
    advanced: {
      ...field.advanced,
      multiLine: spec.wrap,
      overflow: spec.wrap ? 'wrap' : 'shrink',
      maxLength: undefined,
      number: c.number,
      date: c.date,
      defaultValue: undefined,
    },
  });
  return {
    spec,
    columns: spec.columns.map((column) => ({ column, cell: cellOf(column, false), share: column.width / total })),
    headers: spec.columns.map((c) => cellOf(c, true)),
    chain: fonts.chain(field.style.fontFamily, field.style.bold, field.style.italic),
    headerChain: fonts.chain(field.style.fontFamily, spec.header.bold, field.style.italic),
  };
}

/** One row's cells laid out in columns of `widths`. */
function layoutRow(table: PreparedTable, texts: string[], widths: number[], header: boolean): RowLayout {
  const { spec } = table;
  const pad = spec.cellPadding;
  const cellMax = spec.maxRowHeight !== undefined ? Math.max(0, spec.maxRowHeight - 2 * pad) : Number.MAX_SAFE_INTEGER;
  let content = 0;
  let overflowed = 0;
  const cells = texts.map((text, i) => {
    if (text === '') return undefined;
    const field = header ? table.headers[i] : table.columns[i].cell;
    const lay = layoutText({
      text,
      chain: header ? table.headerChain : table.chain,
      fontSize: field.style.fontSize,
      minFontSize: Math.min(field.advanced.minFontSize, field.style.fontSize),
      lineHeight: field.style.lineHeight,
      width: widths[i] - 2 * pad,
      height: spec.wrap ? cellMax : field.style.fontSize * field.style.lineHeight,
      multiLine: spec.wrap,
      overflow: spec.wrap ? 'wrap' : 'shrink',
      field,
    });
    if (lay.warnings.some((w) => w.code === 'overflow')) overflowed++;
    content = Math.max(content, lay.lines.length * lay.fontSize * field.style.lineHeight);
    return lay;
  });
  const oneLine = table.columns[0].cell.style.fontSize * table.columns[0].cell.style.lineHeight;
  let height = Math.max(spec.minRowHeight, Math.max(content, oneLine) + 2 * pad);
  if (spec.maxRowHeight !== undefined) height = Math.min(height, spec.maxRowHeight);
  return { height, cells, overflowed };
}

/** The text of each cell of a row (formatted as the column says; '' when absent). */
export function rowTexts(table: PreparedTable, row: unknown): string[] {
  return table.columns.map(({ column, cell }) => {
    const value = row !== null && typeof row === 'object' ? resolveBinding(row, column.key) : undefined;
    return isPresent(value) ? formatValue(cell, value) : '';
  });
}

/**
 * Splits the rows over the table's first box and as many continuation boxes as they need. A row
 * never splits; a row taller than a whole box gets a box of its own and is clipped to it.
 */
export function paginateTable(table: PreparedTable, rows: readonly unknown[], first: Rect, next: Rect): TableSegment[] {
  const { spec } = table;
  const widthsFor = (box: Rect): number[] => table.columns.map((c) => c.share * box.width);
  const texts = rows.map((r) => rowTexts(table, r));
  const headerTexts = spec.columns.map((c) => c.header);
  const cache = new Map<number, { widths: number[]; header: RowLayout | undefined; rows: (RowLayout | undefined)[] }>();
  const forBox = (box: Rect) => {
    let c = cache.get(box.width);
    if (!c) {
      const widths = widthsFor(box);
      const header = spec.header.show ? layoutRow(table, headerTexts, widths, true) : undefined;
      cache.set(box.width, (c = { widths, header, rows: [] }));
    }
    return c;
  };
  const segments: TableSegment[] = [];
  let i = 0;
  do {
    const box = segments.length === 0 ? first : next;
    const c = forBox(box);
    const header = segments.length === 0 || spec.header.repeat ? c.header : undefined;
    const segment: TableSegment = { box, widths: c.widths, header, rows: [] };
    let used = header?.height ?? 0;
    for (; i < rows.length; i++) {
      const layout = (c.rows[i] ??= layoutRow(table, texts[i], c.widths, false));
      if (used + layout.height > box.height + 0.01 && segment.rows.length > 0) break;
      segment.rows.push({ index: i, layout });
      used += layout.height;
    }
    segments.push(segment);
  } while (i < rows.length);
  return segments;
}
