import type { PageBox, Rect } from '../coordinates.js';
import { toPdfRect } from '../coordinates.js';
import { PdfError } from '../errors.js';
import type { EngineField } from '../types.js';
import type { DocumentCanvas, PageCanvas } from './canvas.js';
import { fill, n, parseColor, stroke } from './canvas.js';
import type { FontRegistry } from '../fonts/registry.js';
import { DEFAULT_MAX_TABLE_ROWS } from '@/shared/domain/table.js';
import {
  lineCell,
  paginateTable,
  prepareTable,
  tableBoxes,
  type PreparedTable,
  type RowLayout,
  type TableDocument,
  type TableSegment,
} from './table-layout.js';
import { drawTextLayout } from './text.js';

/**
 * Draws a table field: its rows in its box, and the rows that do not fit on continuation pages
 * the document adds after the table's page (DocumentCanvas.addPage). Table content is always page
 * content, also in fillable output.
 */

/** A table field as compiled: its layout and where it continues. */
export interface TablePlan {
  table: PreparedTable;
  /** The table's page (0-based) and its visible box. */
  pageIndex: number;
  pageBox: PageBox;
  box: Rect;
  /** What a continuation page copies (a base page index) or 'blank'. */
  source: number | 'blank';
  /** The visible box of a continuation page, and the table's box on it. */
  nextPageBox: PageBox;
  nextBox: Rect;
}

/** At compile time: the table's layout and where it continues (undefined: the field has no table definition). */
export function planTable(
  field: EngineField,
  pageIndex: number,
  pageBoxes: readonly PageBox[],
  fonts: FontRegistry,
): TablePlan | undefined {
  const spec = field.advanced.table;
  if (!spec) return undefined;
  const cont = spec.continuation.page;
  const source = cont === 'same' ? pageIndex : cont === 'blank' ? 'blank' : cont - 1;
  if (typeof source === 'number' && source >= pageBoxes.length) {
    throw new PdfError(
      'pdf_page_out_of_range',
      `Table "${field.name}" continues on a copy of page ${cont}; the PDF has ${pageBoxes.length}`,
      {
        fieldId: field.fieldId,
        page: cont,
        pageCount: pageBoxes.length,
      },
    );
  }
  const { box, nextBox } = tableBoxes(field, spec);
  return {
    table: prepareTable(field, spec, fonts),
    pageIndex,
    pageBox: pageBoxes[pageIndex],
    box,
    source,
    nextPageBox: typeof source === 'number' ? pageBoxes[source] : pageBoxes[pageIndex],
    nextBox,
  };
}

export interface TableBounds {
  maxRows?: number;
  maxPages?: number;
}

export const DEFAULT_MAX_PAGES = 500;

/**
 * Draws the table; `onNewPage` is called for each continuation page it adds (to draw the fields
 * that repeat there). Returns the number of continuation pages.
 */
export async function drawTable(
  doc: DocumentCanvas,
  field: EngineField,
  plan: TablePlan,
  rows: readonly unknown[],
  document: TableDocument,
  bounds: TableBounds,
  onNewPage: (pageIndex: number) => Promise<void>,
): Promise<number> {
  const maxRows = Math.min(plan.table.spec.maxRows ?? Infinity, bounds.maxRows ?? DEFAULT_MAX_TABLE_ROWS);
  if (rows.length > maxRows) {
    throw new PdfError('table_too_many_rows', `Table "${field.name}" has ${rows.length} rows; one document takes at most ${maxRows}`, {
      fieldId: field.fieldId,
      bindingKey: field.bindingKey,
      rows: rows.length,
      maxRows,
    });
  }
  const segments = paginateTable(plan.table, rows, plan.box, plan.nextBox, document);
  const maxPages = bounds.maxPages ?? DEFAULT_MAX_PAGES;
  if (doc.pageCount + segments.length - 1 > maxPages) {
    throw new PdfError(
      'document_too_many_pages',
      `Table "${field.name}" needs ${segments.length - 1} continuation pages; the document would have ${doc.pageCount + segments.length - 1} pages, more than ${maxPages}`,
      { fieldId: field.fieldId, bindingKey: field.bindingKey, pages: doc.pageCount + segments.length - 1, maxPages },
    );
  }
  let overflowed = 0;
  for (const [i, segment] of segments.entries()) {
    const pageIndex = i === 0 ? plan.pageIndex : doc.addPage(plan.pageIndex, plan.source);
    if (i > 0) await onNewPage(pageIndex);
    overflowed += drawSegment(doc, doc.page(pageIndex), plan.table, segment, i === 0 ? plan.pageBox : plan.nextPageBox);
  }
  if (overflowed > 0) {
    doc.warnings.push({
      fieldId: field.fieldId,
      name: field.name,
      bindingKey: field.bindingKey,
      code: 'overflow',
      message: `${overflowed} table cell(s) did not fit their row and were cut`,
    });
  }
  return segments.length - 1;
}

/** One part of the table in its box; returns how many of its cells overflowed. */
function drawSegment(doc: DocumentCanvas, page: PageCanvas, table: PreparedTable, segment: TableSegment, pageBox: PageBox): number {
  const { spec } = table;
  const r = toPdfRect(pageBox, segment.box);
  const rows: { layout: RowLayout; stripe: boolean }[] = [];
  if (segment.header) rows.push({ layout: segment.header, stripe: false });
  for (const lead of segment.lead) rows.push({ layout: lead, stripe: false });
  for (const row of segment.rows) rows.push({ layout: row.layout, stripe: row.index % 2 === 1 });
  for (const foot of segment.foot) rows.push({ layout: foot, stripe: false });
  const usedHeight = rows.reduce((a, row) => a + row.layout.height, 0);
  const height = Math.min(usedHeight, Math.max(segment.box.height, rows[0]?.layout.height ?? 0));
  // Local frame: origin at the box's top-left, y up (rows go down into negative y).
  page.push('q', `1 0 0 1 ${n(r.x)} ${n(r.y + r.height)} cm`, `0 ${n(-height)} ${n(segment.box.width)} ${n(height)} re W n`);
  const headerBg = parseColor(spec.header.backgroundColor);
  const totalsBg = parseColor(spec.totals?.backgroundColor ?? 'transparent');
  const stripe = parseColor(spec.stripeColor);
  let top = 0;
  let overflowed = 0;
  for (const row of rows) {
    const { kind, height: h, styles } = row.layout;
    const bg =
      kind === 'header'
        ? headerBg
        : kind !== 'row'
          ? totalsBg
          : row.layout.background
            ? parseColor(row.layout.background)
            : row.stripe
              ? stripe
              : undefined;
    if (bg) page.push(fill(bg), `0 ${n(top - h)} ${n(segment.box.width)} ${n(h)} re f`);
    let x = 0;
    row.layout.cells.forEach((lay, c) => {
      const w = segment.widths[c];
      const cellBg = styles?.[c]?.backgroundColor;
      if (cellBg && cellBg !== row.layout.background && w > 0) {
        const color = parseColor(cellBg);
        if (color) page.push(fill(color), `${n(x)} ${n(top - h)} ${n(w)} ${n(h)} re f`);
      }
      if (lay) {
        const pad = spec.cellPadding;
        page.push('q', `1 0 0 1 ${n(x + pad)} ${n(top - h + pad)} cm`);
        drawTextLayout(doc, page, lineCell(table, kind, c, styles?.[c]), lay, w - 2 * pad, h - 2 * pad);
        page.push('Q');
      }
      x += w;
    });
    overflowed += kind === 'header' ? 0 : row.layout.overflowed;
    top -= h;
  }
  const border = parseColor(spec.borderColor);
  if (border && spec.borderWidth > 0 && rows.length > 0) {
    const lines: string[] = [`0 ${n(-height)} ${n(segment.box.width)} ${n(height)} re`];
    let y = 0;
    for (const row of rows.slice(0, -1)) {
      y -= row.layout.height;
      lines.push(`0 ${n(y)} m ${n(segment.box.width)} ${n(y)} l`);
    }
    let x = 0;
    const visible = segment.widths.filter((w) => w > 0);
    for (const w of visible.slice(0, -1)) {
      x += w;
      lines.push(`${n(x)} 0 m ${n(x)} ${n(-height)} l`);
    }
    page.push(stroke(border), `${n(spec.borderWidth)} w`, ...lines, 'S');
  }
  page.push('Q');
  return overflowed;
}
