import { useEffect, useRef, useState, type PointerEvent as RPointerEvent, type DragEvent } from 'react';
import type { EditorAction } from '../state/editor.js';
import { fieldRect, TOOL_LABELS, TOOLS, type EditorField, type Tool } from '../state/fields.js';
import { groupMembers, isGroup } from '../state/groups.js';
import {
  clientToPage,
  HANDLES,
  normalizeRotation,
  rectFromPoints,
  rotationTransform,
  toLocalVector,
  type Handle,
  type PageSize,
  type Point,
  type Rect,
} from '../state/geometry.js';
import { computeDraw, computeMove, computeResize } from '../state/gestures.js';
import type { Guide, SnapOptions } from '../state/snapping.js';
import { renderPage, type PDFDocumentProxy } from './pdf.js';
import { faceWords, FieldFace, fieldLabel } from './FieldFace.js';
import { GroupCanvas } from './GroupCanvas.js';
import { TableCanvas } from './TableCanvas.js';

export const PALETTE_MIME = 'application/x-pdfstudio-field-type';

export interface SnapSettings {
  gridOn: boolean;
  grid: number;
  edges: boolean;
}

interface Props {
  doc: PDFDocumentProxy | null;
  pageNumber: number;
  size: PageSize;
  zoom: number;
  fields: EditorField[];
  selection: string[];
  armed: Tool | null;
  snap: SnapSettings;
  issues: ReadonlyMap<string, string[]>;
  /** Fields whose condition hides them for the sample data (drawn faded). */
  hiddenForSample?: ReadonlySet<string>;
  /** The sample data each field shows its value from, as it will print. */
  sample?: unknown;
  dispatch: (a: EditorAction) => void;
  onPlaced: () => void;
}

type Gesture =
  | { kind: 'move'; primary: string; start: Map<string, Rect>; origin: Point; moved: boolean }
  | { kind: 'resize'; key: string; handle: Handle; start: Rect; origin: Point; lock: boolean; rotation: number }
  | { kind: 'box'; origin: Point; current: Point; additive: boolean }
  | { kind: 'draw'; origin: Point; key: string | null };

/** Snapping distance in screen pixels, the same at every zoom. */
const SNAP_PX = 6;
/** A pointer that moved less than this (px) clicked rather than dragged. */
const CLICK_PX = 3;

export function PageView({
  doc,
  pageNumber,
  size,
  zoom,
  fields,
  selection,
  armed,
  snap,
  issues,
  hiddenForSample,
  sample,
  dispatch,
  onPlaced,
}: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const surface = useRef<HTMLDivElement>(null);
  const gesture = useRef<Gesture | null>(null);
  // Focus that comes from a pointer press must not replace a shift-click selection.
  const pointerDown = useRef(false);
  const [guides, setGuides] = useState<Guide[]>([]);
  const [box, setBox] = useState<Rect | null>(null);
  const [renderError, setRenderError] = useState<string | null>(null);
  const selected = new Set(selection);

  useEffect(() => {
    if (!doc || !canvas.current) return;
    let cancel: (() => void) | null = null;
    let alive = true;
    setRenderError(null);
    renderPage(doc, pageNumber, canvas.current, zoom, (c) => {
      cancel = c;
      if (!alive) c();
    }).catch((err: unknown) => alive && setRenderError(err instanceof Error ? err.message : String(err)));
    return () => {
      alive = false;
      cancel?.();
    };
  }, [doc, pageNumber, zoom]);

  const toPage = (e: { clientX: number; clientY: number }): Point => {
    const r = surface.current!.getBoundingClientRect();
    return clientToPage({ x: e.clientX, y: e.clientY }, { x: r.left, y: r.top }, zoom);
  };

  const snapOpts = (f: EditorField | undefined): SnapOptions => ({
    grid: snap.gridOn && (f?.layout.snapToGrid ?? true) ? snap.grid : 0,
    threshold: SNAP_PX / zoom,
    edges: snap.edges,
  });

  function onFieldDown(e: RPointerEvent, f: EditorField) {
    if (e.button !== 0) return;
    // With a tool armed, a press on a group places the new field in it (the page's handler):
    // members are placed inside the group's cell. The focus the press gives the group must not
    // select it instead of the new field.
    if (armed && isGroup(f)) {
      pointerDown.current = true;
      return;
    }
    e.stopPropagation();
    pointerDown.current = true;
    if (e.shiftKey || e.metaKey || e.ctrlKey) {
      dispatch({ type: 'select', keys: [f.key], mode: 'toggle' });
      return;
    }
    const keys = selected.has(f.key) ? selection : [f.key];
    if (!selected.has(f.key)) dispatch({ type: 'select', keys });
    // A group carries its members along: they must stay inside its cell.
    const moving = new Set(keys);
    for (const g of fields) if (moving.has(g.key) && isGroup(g)) for (const m of groupMembers(fields, g)) moving.add(m.key);
    const start = new Map(fields.filter((x) => moving.has(x.key)).map((x) => [x.key, fieldRect(x)]));
    gesture.current = { kind: 'move', primary: f.key, start, origin: toPage(e), moved: false };
    surface.current?.setPointerCapture?.(e.pointerId);
  }

  function onHandleDown(e: RPointerEvent, f: EditorField, handle: Handle) {
    if (e.button !== 0) return;
    e.stopPropagation();
    dispatch({ type: 'select', keys: [f.key] });
    gesture.current = {
      kind: 'resize',
      key: f.key,
      handle,
      start: fieldRect(f),
      origin: toPage(e),
      lock: f.layout.lockProportions,
      rotation: normalizeRotation(f.layout.rotation),
    };
    surface.current?.setPointerCapture?.(e.pointerId);
  }

  /** A point on the grid when the grid is on: where a placed or drawn field's corner goes. */
  const onGrid = (p: Point): Point =>
    snap.gridOn && snap.grid > 0 ? { x: Math.round(p.x / snap.grid) * snap.grid, y: Math.round(p.y / snap.grid) * snap.grid } : p;

  function onSurfaceDown(e: RPointerEvent) {
    if (e.button !== 0) return;
    const p = armed && !e.altKey ? onGrid(toPage(e)) : toPage(e);
    if (armed) {
      // Placed at once (a click places it at its default size); a drag that follows draws its box.
      dispatch({ type: 'add', fieldType: armed, page: pageNumber, at: p, gesture: true });
      onPlaced();
      gesture.current = { kind: 'draw', origin: p, key: null };
      surface.current?.setPointerCapture?.(e.pointerId);
      return;
    }
    gesture.current = { kind: 'box', origin: p, current: p, additive: e.shiftKey };
    surface.current?.setPointerCapture?.(e.pointerId);
  }

  function onMove(e: RPointerEvent) {
    const g = gesture.current;
    if (!g) return;
    const p = toPage(e);
    const delta = { x: p.x - g.origin.x, y: p.y - g.origin.y };
    if (g.kind === 'box') {
      g.current = p;
      setBox(rectFromPoints(g.origin, p));
      return;
    }
    if (g.kind === 'draw') {
      // The field the press added is the selection by now (the add selected it).
      g.key ??= selection[0] ?? null;
      const f = fields.find((x) => x.key === g.key);
      if (!f || (Math.abs(delta.x) * zoom < CLICK_PX && Math.abs(delta.y) * zoom < CLICK_PX)) return;
      const others = fields.filter((x) => x.key !== f.key).map(fieldRect);
      const r = computeDraw(g.origin, delta, f.layout.lockProportions, others, size, e.altKey ? null : snapOpts(f));
      setGuides(r.guides);
      dispatch({ type: 'setRects', rects: [{ key: f.key, rect: r.rect }], transient: true });
      return;
    }
    if (g.kind === 'move') {
      if (!g.moved && Math.hypot(delta.x, delta.y) * zoom < CLICK_PX) return;
      g.moved = true;
      const others = fields.filter((x) => !g.start.has(x.key)).map(fieldRect);
      const primary = fields.find((x) => x.key === g.primary);
      const r = computeMove(g.start, g.primary, delta, others, size, e.altKey ? null : snapOpts(primary));
      setGuides(r.guides);
      dispatch({ type: 'setRects', rects: [...r.rects].map(([key, rect]) => ({ key, rect })), transient: true });
      return;
    }
    const f = fields.find((x) => x.key === g.key);
    const others = fields.filter((x) => x.key !== g.key).map(fieldRect);
    // Handles act on the unrotated box. On a rotated field the pointer's movement is turned into
    // the field's own axes (dragging a handle outwards grows the box whatever the angle), and
    // snapping is off: guides run along page axes, which a rotated box's edges do not.
    const rotated = g.rotation !== 0;
    const r = computeResize(
      g.start,
      g.handle,
      rotated ? toLocalVector(delta, g.rotation) : delta,
      g.lock || e.shiftKey,
      others,
      size,
      e.altKey || rotated ? null : snapOpts(f),
    );
    setGuides(r.guides);
    dispatch({ type: 'setRects', rects: [{ key: g.key, rect: r.rect }], transient: true });
  }

  function onUp(e: RPointerEvent) {
    const g = gesture.current;
    gesture.current = null;
    pointerDown.current = false;
    surface.current?.releasePointerCapture?.(e.pointerId);
    setGuides([]);
    if (!g) return;
    if (g.kind === 'box') {
      setBox(null);
      const rect = rectFromPoints(g.origin, g.current);
      if (rect.width * zoom < CLICK_PX && rect.height * zoom < CLICK_PX) {
        if (!g.additive) dispatch({ type: 'select', keys: [] });
      } else {
        dispatch({ type: 'selectInRect', page: pageNumber, rect, additive: g.additive });
      }
      return;
    }
    // A plain click (no drag) on a field of a multi-selection selects that field alone, as in
    // other design tools: otherwise, after an import selected every field, no click could pick one.
    if (g.kind === 'move' && !g.moved && g.start.size > 1) dispatch({ type: 'select', keys: [g.primary] });
    dispatch({ type: 'endGesture' });
  }

  function onDrop(e: DragEvent) {
    const t = e.dataTransfer.getData(PALETTE_MIME) as Tool;
    if (!TOOLS.includes(t)) return;
    e.preventDefault();
    dispatch({ type: 'add', fieldType: t, page: pageNumber, at: e.altKey ? toPage(e) : onGrid(toPage(e)) });
    onPlaced();
  }

  const px = (n: number) => `${n * zoom}px`;

  return (
    <div className="page-frame" style={{ width: px(size.width), height: px(size.height) }}>
      <canvas ref={canvas} className="page-canvas" aria-hidden="true" />
      {renderError && (
        <p className="error page-error" role="alert">
          This page could not be drawn: {renderError}
        </p>
      )}
      <div
        ref={surface}
        className={`page-surface${armed ? ' armed' : ''}${snap.gridOn ? ' grid' : ''}`}
        style={{ backgroundSize: `${snap.grid * zoom}px ${snap.grid * zoom}px` }}
        data-testid={`page-${pageNumber}`}
        aria-label={`Page ${pageNumber}${armed ? `: click to place a ${TOOL_LABELS[armed]}${armed === 'group' ? '' : ' field'}` : ''}`}
        role="region"
        onPointerDown={onSurfaceDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={onUp}
        onDragOver={(e) => {
          if (e.dataTransfer.types.includes(PALETTE_MIME)) e.preventDefault();
        }}
        onDrop={onDrop}
      >
        {fields.filter(isGroup).map((f) => (
          <GroupCanvas key={`grid-${f.key}`} field={f} zoom={zoom} />
        ))}
        {fields.map((f) => {
          const sel = selected.has(f.key);
          const problems = issues.get(f.key);
          const hidden = hiddenForSample?.has(f.key) ?? false;
          return (
            <div
              key={f.key}
              className={`field field-${f.type}${sel ? ' selected' : ''}${problems ? ' has-issue' : ''}${hidden ? ' hidden-for-sample' : ''}`}
              // Rotated about the box centre, as the engine draws it (see rotationTransform); moving
              // and resizing still work on the unrotated box stored in position/size.
              style={{
                left: px(f.position.x),
                top: px(f.position.y),
                width: px(f.size.width),
                height: px(f.size.height),
                transform: rotationTransform(f.layout.rotation),
              }}
              data-rotation={normalizeRotation(f.layout.rotation) || undefined}
              data-testid="field"
              data-name={f.name}
              data-type={f.type}
              data-group={isGroup(f) || undefined}
              role="button"
              tabIndex={0}
              aria-pressed={sel}
              aria-label={fieldLabel(f, faceWords(f, sample), hidden, problems)}
              title={problems ? problems.join('\n') : `${f.name} (${f.bindingKey})`}
              onPointerDown={(e) => onFieldDown(e, f)}
              onFocus={() => !sel && !pointerDown.current && dispatch({ type: 'select', keys: [f.key] })}
            >
              {f.type === 'table' && !isGroup(f) && (
                <TableCanvas
                  field={f}
                  zoom={zoom}
                  onTable={(table) => dispatch({ type: 'update', key: f.key, patch: { advanced: { ...f.advanced, table } } })}
                />
              )}
              {isGroup(f) || f.type === 'table' ? (
                // A group's name is small: its cell is where the members' own labels go.
                <span className="field-label" style={{ fontSize: isGroup(f) ? 10 : 12 * zoom }}>
                  {isGroup(f) ? f.name : ''}
                </span>
              ) : (
                <FieldFace field={f} zoom={zoom} sample={sample} />
              )}
              {problems && (
                <>
                  <span className="field-issue" aria-hidden="true">
                    !
                  </span>
                  {/* The problem in words next to the field, not only in a tooltip: one line, the
                      whole text when the field is selected or hovered. */}
                  <span className="field-issue-text" data-testid="field-issue">
                    {problems.join(' · ')}
                  </span>
                </>
              )}
              {sel &&
                selection.length === 1 &&
                HANDLES.map((h) => (
                  <span
                    key={h}
                    className={`handle handle-${h}`}
                    data-handle={h}
                    onPointerDown={(e) => onHandleDown(e, f, h)}
                    aria-hidden="true"
                  />
                ))}
            </div>
          );
        })}
        {guides.map((g, i) => (
          <div
            key={i}
            className={`guide guide-${g.axis}`}
            style={g.axis === 'x' ? { left: px(g.pos) } : { top: px(g.pos) }}
            data-testid="guide"
            aria-hidden="true"
          />
        ))}
        {box && <div className="select-box" style={{ left: px(box.x), top: px(box.y), width: px(box.width), height: px(box.height) }} />}
      </div>
    </div>
  );
}
