import { useRef, useState, type KeyboardEvent, type PointerEvent as RPointerEvent } from 'react';
import { tableSchema, type TableColumn, type TableSpec } from '@/shared/domain/table.js';
import type { EditorField } from '../state/fields.js';
import { columnShares, dividerShares, moveDivider, nudgeDivider } from '../state/tableColumns.js';

const JUSTIFY = { left: 'flex-start', center: 'center', right: 'flex-end' } as const;

interface Props {
  field: EditorField;
  zoom: number;
  /** The table with new column width weights, once per finished drag or key press (one save, one undo step). */
  onTable: (table: TableSpec) => void;
}

/**
 * A table field on the canvas: its header cells and the dividers between its columns, where the
 * engine will draw them. A divider is dragged (or moved with the arrow keys once focused) to trade
 * width between the two columns beside it.
 */
export function TableCanvas({ field, zoom, onTable }: Props) {
  const table = field.advanced.table ?? tableSchema.parse({ columns: [{ header: 'Column 1', key: 'column1' }] });
  const widths = table.columns.map((c) => c.width);
  // The widths shown while a divider is dragged; committed on release.
  const [draft, setDraft] = useState<number[] | null>(null);
  const drag = useRef<{ i: number; startX: number; startShare: number; widths: number[] } | null>(null);
  const shown = draft && draft.length === widths.length ? draft : widths;
  const shares = columnShares(shown);
  const dividers = dividerShares(shown);
  const widthPx = field.size.width * zoom;
  // A one-line header row as the engine lays it out (text plus padding); with the header row off,
  // the band still shows, with the row keys, so the columns stay identifiable.
  const headerPt = Math.max(table.minRowHeight, field.style.fontSize * field.style.lineHeight + 2 * table.cellPadding);
  const headerPx = Math.min(field.size.height, headerPt) * zoom;
  // Pointer movement is along the page's x axis, not a rotated table's: dividers are not dragged there.
  const rotated = field.layout.rotation % 360 !== 0;
  const onWidths = (w: number[]) => onTable({ ...table, columns: table.columns.map((c, j) => ({ ...c, width: w[j] })) });

  function down(e: RPointerEvent<HTMLDivElement>, i: number) {
    if (e.button !== 0) return;
    // The press is the divider's, not the field's: no move gesture starts under it.
    e.stopPropagation();
    drag.current = { i, startX: e.clientX, startShare: dividerShares(widths)[i], widths };
    e.currentTarget.setPointerCapture?.(e.pointerId);
  }
  function move(e: RPointerEvent<HTMLDivElement>) {
    const d = drag.current;
    if (!d) return;
    e.stopPropagation();
    setDraft(moveDivider(d.widths, d.i, d.startShare + (e.clientX - d.startX) / widthPx));
  }
  function up(e: RPointerEvent<HTMLDivElement>) {
    const d = drag.current;
    if (!d) return;
    e.stopPropagation();
    drag.current = null;
    e.currentTarget.releasePointerCapture?.(e.pointerId);
    const next = moveDivider(d.widths, d.i, d.startShare + (e.clientX - d.startX) / widthPx);
    setDraft(null);
    if (next.some((w, j) => w !== d.widths[j])) onWidths(next);
  }
  function key(e: KeyboardEvent<HTMLDivElement>, i: number) {
    const step = e.key === 'ArrowLeft' ? -1 : e.key === 'ArrowRight' ? 1 : 0;
    if (!step) return;
    // Arrow keys would otherwise nudge the whole field (the editor's shortcut).
    e.preventDefault();
    e.stopPropagation();
    onWidths(nudgeDivider(widths, i, e.shiftKey ? step * 10 : step));
  }

  const label = (c: TableColumn) => c.header || c.key;
  let left = 0;
  return (
    <div className="table-canvas" data-testid="table-canvas">
      <div className="table-header" style={{ height: headerPx }}>
        {table.columns.map((c, i) => {
          const cell = (
            <span
              key={`${i}-${c.key}`}
              className={`table-cell${table.header.show ? '' : ' no-header'}`}
              data-testid="table-header-cell"
              style={{
                left: left * widthPx,
                width: shares[i] * widthPx,
                justifyContent: JUSTIFY[c.align],
                fontSize: Math.max(7, field.style.fontSize * zoom * 0.9),
              }}
              title={`${label(c)} (${c.key})`}
            >
              {table.header.show ? c.header : c.key}
            </span>
          );
          left += shares[i];
          return cell;
        })}
      </div>
      {dividers.map((share, i) => (
        <div
          key={i}
          className="table-divider"
          style={{ left: share * widthPx }}
          role="separator"
          aria-orientation="vertical"
          aria-label={`Width between ${label(table.columns[i])} and ${label(table.columns[i + 1])}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(share * 100)}
          aria-valuetext={`${label(table.columns[i])} ${Math.round(shares[i] * 100)} %, ${label(table.columns[i + 1])} ${Math.round(shares[i + 1] * 100)} %`}
          aria-disabled={rotated || undefined}
          tabIndex={rotated ? -1 : 0}
          data-testid="table-divider"
          onPointerDown={rotated ? undefined : (e) => down(e, i)}
          onPointerMove={move}
          onPointerUp={up}
          onPointerCancel={up}
          onKeyDown={rotated ? undefined : (e) => key(e, i)}
        />
      ))}
    </div>
  );
}
