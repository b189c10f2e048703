import { mergeStyleChanges, type StyleChange } from '@/shared/domain/style-rules.js';
import type { TableColumn, TableSpec } from '@/shared/domain/table.js';
export { DEFAULT_MAX_TABLE_ROWS } from '@/shared/domain/table.js';
import type { Rect } from '../coordinates.js';
import type { FontChain, FontRegistry } from '../fonts/registry.js';
import type { EngineField } from '../types.js';
import { isPresent, resolveBinding } from './binding.js';
import { asNumber } from '../validate/values.js';
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
  /** Cells of the subtotal, carry-forward and total lines: sums as numbers in the column's format, labels as text. */
  totals: EngineField[];
  /** Where the totals lines print their label: the first column that is not summed. */
  labelColumn: number;
  /** The font chain of the cells, by boldness (rows, header and totals lines may differ). */
  chainFor: (bold: boolean) => FontChain;
}

/** What a document decides about a table beside its rows (evaluated conditions, see src/pdf/expressions). */
export interface TableDocument {
  /** Columns whose condition is false: not drawn, the others share their width. */
  hiddenColumns?: readonly number[];
  /** Per row, the indices of the table's rowStyles whose condition holds for it. */
  rowStyles?: readonly (readonly number[])[];
}

export type LineKind = 'header' | 'row' | 'broughtForward' | 'subtotal' | 'carriedForward' | 'total';

export interface RowLayout {
  kind: LineKind;
  height: number;
  /** One per column; undefined for an empty cell. */
  cells: (LayoutResult | undefined)[];
  /** Per column, the style changes of matching row rules (row lines only). */
  styles?: (StyleChange | undefined)[];
  /** Background of the whole line from a matching rule. */
  background?: string;
  /** Cells whose text did not fit (cut or shrunk past the minimum). */
  overflowed: number;
}

export interface TableSegment {
  /** The box of this part of the table, in the product's top-left page coordinates. */
  box: Rect;
  /** Column widths in this box (0 for a hidden column). */
  widths: number[];
  header: RowLayout | undefined;
  /** The brought-forward line under the header of a continuation page. */
  lead: RowLayout[];
  rows: { index: number; layout: RowLayout }[];
  /** Subtotal, carried-forward or total lines under the rows. */
  foot: RowLayout[];
}

/** The table's box on its own page, and on continuation pages (the product's top-left page coordinates). */
export function tableBoxes(field: EngineField, spec: TableSpec): { box: Rect; nextBox: Rect } {
  const box = { x: field.position.x, y: field.position.y, width: field.size.width, height: field.size.height };
  return { box, nextBox: spec.continuation.box ?? box };
}

export function prepareTable(field: EngineField, spec: TableSpec, fonts: FontRegistry): PreparedTable {
  const total = spec.columns.reduce((a, c) => a + c.width, 0);
  const totals = spec.totals;
  const cellOf = (c: TableColumn, line: 'row' | 'header' | 'total'): EngineField => ({
    ...field,
    name: `${field.name} › ${c.header || c.key}`,
    bindingKey: `${field.bindingKey}[].${c.key}`,
    type: line === 'header' ? 'text' : line === 'total' ? (c.sum ? 'number' : 'text') : c.format,
    style: {
      ...field.style,
      textAlign: c.align,
      bold: line === 'header' ? spec.header.bold : line === 'total' ? (totals?.bold ?? true) : field.style.bold,
      textColor: line === 'header' ? spec.header.textColor : line === 'total' ? (totals?.textColor ?? '#000000') : field.style.textColor,
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
  const chains = new Map<boolean, FontChain>();
  const label = spec.columns.findIndex((c) => !c.sum);
  return {
    spec,
    columns: spec.columns.map((column) => ({ column, cell: cellOf(column, 'row'), share: column.width / total })),
    headers: spec.columns.map((c) => cellOf(c, 'header')),
    totals: spec.columns.map((c) => cellOf(c, 'total')),
    labelColumn: label === -1 ? 0 : label,
    chainFor: (bold) => {
      let chain = chains.get(bold);
      if (!chain) chains.set(bold, (chain = fonts.chain(field.style.fontFamily, bold, field.style.italic)));
      return chain;
    },
  };
}

/** The cell field a line of this kind draws column `i` with (a row rule may make it bold or recolour it). */
export function lineCell(table: PreparedTable, kind: LineKind, i: number, change?: StyleChange): EngineField {
  const base = kind === 'header' ? table.headers[i] : kind === 'row' ? table.columns[i].cell : table.totals[i];
  if (!change || (change.bold === undefined && change.textColor === undefined)) return base;
  return { ...base, style: { ...base.style, bold: change.bold ?? base.style.bold, textColor: change.textColor ?? base.style.textColor } };
}

/** One line's cells laid out in columns of `widths` (a hidden column has width 0 and no cell). */
function layoutRow(
  table: PreparedTable,
  texts: string[],
  widths: number[],
  kind: LineKind,
  styles?: (StyleChange | undefined)[],
): RowLayout {
  const { spec } = table;
  const pad = spec.cellPadding;
  const cellMax = spec.maxRowHeight !== undefined ? Math.max(0, spec.maxRowHeight - 2 * pad) : Number.MAX_SAFE_INTEGER;
  let content = 0;
  let overflowed = 0;
  const cells = texts.map((text, i) => {
    if (text === '' || widths[i] === 0) return undefined;
    const field = lineCell(table, kind, i, styles?.[i]);
    const lay = layoutText({
      text,
      chain: table.chainFor(field.style.bold),
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
  return { kind, height, cells, overflowed, styles };
}

/** The text of each cell of a row (formatted as the column says; '' when absent). */
export function rowTexts(table: PreparedTable, row: unknown): string[] {
  return table.columns.map(({ column, cell }) => {
    const value = row !== null && typeof row === 'object' ? resolveBinding(row, column.key) : undefined;
    return isPresent(value) ? formatValue(cell, value) : '';
  });
}

/** Per column, the sum of its cells over rows [from, to) (columns not summed: 0). */
function sums(table: PreparedTable, rows: readonly unknown[], from: number, to: number): number[] {
  const out = table.columns.map(() => 0);
  table.columns.forEach(({ column }, c) => {
    if (!column.sum) return;
    for (let r = from; r < to; r++) {
      const row = rows[r];
      const v = row !== null && typeof row === 'object' ? asNumber(resolveBinding(row, column.key)) : undefined;
      if (v !== undefined) out[c] += v;
    }
  });
  return out;
}

/** The texts of a totals line: its label in the label column, the sums in their columns. */
function totalTexts(table: PreparedTable, label: string, values: readonly number[]): string[] {
  return table.columns.map(({ column }, c) =>
    column.sum ? formatValue(table.totals[c], values[c]) : c === table.labelColumn ? label : '',
  );
}

/** Each cell's merged style changes of the row rules that hold for the row (undefined: none). */
function rowStyleChanges(
  table: PreparedTable,
  matched: readonly number[] | undefined,
): { cells?: (StyleChange | undefined)[]; background?: string } {
  const rules = table.spec.rowStyles;
  if (!rules || !matched || matched.length === 0) return {};
  const whole = matched.filter((m) => rules[m]?.column === undefined);
  const row = mergeStyleChanges(rules, whole);
  const cells = table.columns.map(({ column }) => {
    const own = matched.filter((m) => rules[m]?.column === column.key);
    const change = own.length > 0 ? { ...row, ...mergeStyleChanges(rules, own) } : row;
    return Object.keys(change).length > 0 ? change : undefined;
  });
  return { cells, background: row.backgroundColor };
}

/**
 * Splits the rows over the table's first box and as many continuation boxes as they need. A row
 * never splits; a row taller than a whole box gets a box of its own and is clipped to it. Each box
 * keeps room under its rows for its totals lines (subtotal, carried forward; subtotal and total on
 * the last); a total that does not fit under the last row goes to a box of its own.
 */
export function paginateTable(
  table: PreparedTable,
  rows: readonly unknown[],
  first: Rect,
  next: Rect,
  document: TableDocument = {},
): TableSegment[] {
  const { spec } = table;
  const totals = spec.totals;
  const hidden = new Set(document.hiddenColumns ?? []);
  const visibleShare = table.columns.reduce((a, c, i) => a + (hidden.has(i) ? 0 : c.share), 0);
  const widthsFor = (box: Rect): number[] =>
    table.columns.map((c, i) => (hidden.has(i) || visibleShare === 0 ? 0 : (c.share / visibleShare) * box.width));
  const texts = rows.map((r) => rowTexts(table, r));
  const headerTexts = spec.columns.map((c) => c.header);
  const grand = totals ? sums(table, rows, 0, rows.length) : [];
  const cache = new Map<number, { widths: number[]; header: RowLayout | undefined; rows: (RowLayout | undefined)[]; footRoom: number }>();
  const line = (widths: number[], kind: LineKind, label: string, values: readonly number[]) =>
    layoutRow(table, totalTexts(table, label, values), widths, kind);
  const forBox = (box: Rect) => {
    let c = cache.get(box.width);
    if (!c) {
      const widths = widthsFor(box);
      const header = spec.header.show ? layoutRow(table, headerTexts, widths, 'header') : undefined;
      // Room for the totals lines, measured with the grand sums (the widest numbers any line shows).
      const room = (label: string | undefined) => (label === undefined ? 0 : line(widths, 'total', label, grand).height);
      const footRoom = room(totals?.subtotal?.label) + Math.max(room(totals?.carryForward?.label), room(totals?.total?.label));
      cache.set(box.width, (c = { widths, header, rows: [], footRoom }));
    }
    return c;
  };
  const segments: TableSegment[] = [];
  const running = table.columns.map(() => 0);
  let i = 0;
  let totalPlaced = totals?.total === undefined;
  do {
    const box = segments.length === 0 ? first : next;
    const c = forBox(box);
    const header = segments.length === 0 || spec.header.repeat ? c.header : undefined;
    const lead =
      segments.length > 0 && totals?.carryForward
        ? [line(c.widths, 'broughtForward', totals.carryForward.broughtForwardLabel, running)]
        : [];
    const segment: TableSegment = { box, widths: c.widths, header, lead, rows: [], foot: [] };
    let used = (header?.height ?? 0) + lead.reduce((a, l) => a + l.height, 0);
    const start = i;
    for (; i < rows.length; i++) {
      const styles = rowStyleChanges(table, document.rowStyles?.[i]);
      const layout = styles.cells
        ? layoutRow(table, texts[i], c.widths, 'row', styles.cells)
        : (c.rows[i] ??= layoutRow(table, texts[i], c.widths, 'row'));
      if (styles.background) layout.background = styles.background;
      if (used + layout.height + c.footRoom > box.height + 0.01 && segment.rows.length > 0) break;
      segment.rows.push({ index: i, layout });
      used += layout.height;
    }
    const pageSums = sums(table, rows, start, i);
    pageSums.forEach((v, c) => (running[c] += v));
    const last = i >= rows.length;
    if (totals?.subtotal && (segment.rows.length > 0 || !last))
      segment.foot.push(line(c.widths, 'subtotal', totals.subtotal.label, pageSums));
    if (!last && totals?.carryForward) segment.foot.push(line(c.widths, 'carriedForward', totals.carryForward.label, running));
    if (last && totals?.total) {
      const total = line(c.widths, 'total', totals.total.label, running);
      const footUsed = segment.foot.reduce((a, l) => a + l.height, 0);
      if (used + footUsed + total.height <= box.height + 0.01 || segment.rows.length === 0) {
        segment.foot.push(total);
        totalPlaced = true;
      } else if (totals.carryForward) {
        segment.foot.push(line(c.widths, 'carriedForward', totals.carryForward.label, running));
      }
    }
    segments.push(segment);
  } while (i < rows.length || !totalPlaced);
  return segments;
}
