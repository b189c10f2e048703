import type { FieldSpec } from '@/shared/domain/field.js';
import { align, distribute, type Alignment, type Distribution } from './align.js';
import { clampToPage, intersects, roundRect, type PageSize, type Rect } from './geometry.js';
import { isGroup } from './groups.js';
import { DEFAULT_STYLE, TOOL_SIZES, byLayer, fieldRect, makeField, newKey, withRect, type EditorField, type Tool } from './fields.js';

/**
 * The template editor's state and every edit as a pure reducer: the components only dispatch.
 * History keeps whole `fields` snapshots (cheap: edits copy only what changes), so undo/redo
 * covers every kind of edit the same way.
 */

export interface EditorState {
  pages: PageSize[];
  fields: EditorField[];
  selection: string[];
  past: EditorField[][];
  future: EditorField[][];
  /** Fields before the current drag/resize began; set while a gesture is in progress. */
  gestureBase: EditorField[] | null;
  clipboard: EditorField[];
}

export type LayerMove = 'front' | 'back' | 'forward' | 'backward';

export type EditorAction =
  | { type: 'load'; pages: PageSize[]; fields: EditorField[] }
  /**
   * fieldType: what the palette places (a field type, or 'group': a table field with advanced.group);
   * at: where its top-left corner goes (where the pointer is, as in drawing tools), or rect: its box.
   */
  | { type: 'add'; fieldType: Tool; page: number; at?: { x: number; y: number }; rect?: Rect; gesture?: boolean }
  | { type: 'addMany'; fields: EditorField[] }
  | { type: 'select'; keys: string[]; mode?: 'replace' | 'toggle' | 'add' }
  | { type: 'selectInRect'; page: number; rect: Rect; additive?: boolean }
  | { type: 'selectAll'; page: number }
  | { type: 'setRects'; rects: { key: string; rect: Rect; page?: number }[]; transient?: boolean }
  | { type: 'endGesture' }
  | { type: 'nudge'; dx: number; dy: number }
  | { type: 'delete' }
  | { type: 'copy' }
  | { type: 'paste'; page: number }
  | { type: 'duplicate' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'align'; how: Alignment }
  | { type: 'distribute'; how: Distribution }
  | { type: 'layer'; move: LayerMove }
  | { type: 'update'; key: string; patch: Partial<FieldSpec> };

export const HISTORY_LIMIT = 200;
export const PASTE_OFFSET = 10;

export function initialEditorState(pages: PageSize[] = [], fields: EditorField[] = []): EditorState {
  return { pages, fields, selection: [], past: [], future: [], gestureBase: null, clipboard: [] };
}

/** The topmost repeating group on `page` whose cell holds `p`. */
function groupAt(fields: readonly EditorField[], page: number, p: { x: number; y: number }): EditorField | undefined {
  return byLayer(fields)
    .reverse()
    .find((f) => f.page === page && isGroup(f) && intersects(fieldRect(f), { ...p, width: 0, height: 0 }));
}

/** `r` moved (and narrowed, if it must) to lie inside `box`. */
function fitInto(r: Rect, box: Rect): Rect {
  const width = Math.min(r.width, box.width);
  const height = Math.min(r.height, box.height);
  const x = Math.min(Math.max(r.x, box.x), box.x + box.width - width);
  const y = Math.min(Math.max(r.y, box.y), box.y + box.height - height);
  return { x, y, width, height };
}

function pageOf(state: EditorState, page: number): PageSize {
  return state.pages[page - 1] ?? { width: 612, height: 792 };
}

/** Replaces `fields`, recording the previous ones for undo. */
function commit(state: EditorState, fields: EditorField[], extra: Partial<EditorState> = {}): EditorState {
  const past = [...state.past, state.fields].slice(-HISTORY_LIMIT);
  return { ...state, ...extra, fields, past, future: [], gestureBase: null };
}

function takenBindings(fields: readonly EditorField[]): Set<string> {
  return new Set(fields.flatMap((f) => [f.bindingKey, f.name]));
}

function maxLayer(fields: readonly EditorField[]): number {
  return fields.reduce((m, f) => Math.max(m, f.layout.layerOrder), -1);
}

function selected(state: EditorState): EditorField[] {
  const set = new Set(state.selection);
  return state.fields.filter((f) => set.has(f.key));
}

function mapSelected(state: EditorState, fn: (f: EditorField) => EditorField): EditorField[] {
  const set = new Set(state.selection);
  return state.fields.map((f) => (set.has(f.key) ? fn(f) : f));
}

/** Copies of `src` with new keys and binding keys, offset, on `page`, on top of everything. */
function clones(state: EditorState, src: EditorField[], page: number | null, offset: number): EditorField[] {
  const taken = takenBindings(state.fields);
  let layer = maxLayer(state.fields);
  const options = new Set(state.fields.filter((f) => f.type === 'radio').flatMap((f) => f.advanced.options ?? []));
  return src.map((f) => {
    let n = 2;
    const base = f.bindingKey.replace(/_\d+$/, '');
    let binding = `${base}_${n}`;
    while (taken.has(binding)) binding = `${base}_${++n}`;
    taken.add(binding);
    layer += 1;
    // A radio's copy is another option of the same group: same binding key, a new option of its own
    // (a radio that draws one option per field, as imported radio widgets do).
    const radio = f.type === 'radio';
    let option: string[] | undefined;
    if (radio && (f.advanced.options?.length ?? 0) <= 1) {
      let k = 2;
      while (options.has(`Option ${k}`)) k += 1;
      options.add(`Option ${k}`);
      option = [`Option ${k}`];
    }
    const p = page ?? f.page;
    const rect = clampToPage({ ...fieldRect(f), x: f.position.x + offset, y: f.position.y + offset }, pageOf(state, p));
    // A copy is a field of its own: it must not keep the original's link to the base PDF's form
    // field (acroFormName), or generation would fill that form field again instead of drawing the
    // copy at its own place.
    const { acroFormName: _linked, acroFormWidget: _widget, ...advanced } = f.advanced;
    return withRect(
      {
        ...f,
        key: newKey(),
        page: p,
        name: binding,
        bindingKey: radio ? f.bindingKey : binding,
        advanced: option ? { ...advanced, options: option } : advanced,
        layout: { ...f.layout, layerOrder: layer },
      },
      rect,
    );
  });
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'load':
      return initialEditorState(action.pages, action.fields);

    case 'add': {
      const size = TOOL_SIZES[action.fieldType];
      const at = action.at ?? { x: 36, y: 36 };
      // A field placed on a repeating group is one of its members: it must lie inside the cell.
      const cell = action.fieldType === 'group' || action.rect ? undefined : groupAt(state.fields, action.page, at);
      const rect = clampToPage(
        action.rect ?? (cell ? fitInto({ ...at, ...size }, fieldRect(cell)) : { ...at, ...size }),
        pageOf(state, action.page),
      );
      // The default style, not the last one set: a new field must not silently take the 18 pt red
      // of a heading styled a moment before (Duplicate is there to copy a style).
      const field = makeField(action.fieldType, action.page, roundRect(rect), DEFAULT_STYLE, takenBindings(state.fields));
      field.layout.layerOrder = maxLayer(state.fields) + 1;
      // Placed by a press that may go on to draw the box: the drag that follows and the placing
      // are one gesture, so one undo step (endGesture commits it).
      if (action.gesture)
        return { ...state, fields: [...state.fields, field], selection: [field.key], gestureBase: state.gestureBase ?? state.fields };
      return commit(state, [...state.fields, field], { selection: [field.key] });
    }

    case 'addMany':
      if (action.fields.length === 0) return state;
      return commit(state, [...state.fields, ...action.fields], { selection: action.fields.map((f) => f.key) });

    case 'select': {
      const mode = action.mode ?? 'replace';
      if (mode === 'replace') return { ...state, selection: [...action.keys] };
      const set = new Set(state.selection);
      for (const k of action.keys) {
        if (mode === 'toggle' && set.has(k)) set.delete(k);
        else set.add(k);
      }
      return { ...state, selection: [...set] };
    }

    case 'selectInRect': {
      const hit = state.fields.filter((f) => f.page === action.page && intersects(fieldRect(f), action.rect)).map((f) => f.key);
      const keys = action.additive ? [...new Set([...state.selection, ...hit])] : hit;
      return { ...state, selection: keys };
    }

    case 'selectAll':
      return { ...state, selection: state.fields.filter((f) => f.page === action.page).map((f) => f.key) };

    case 'setRects': {
      const byKey = new Map(action.rects.map((r) => [r.key, r]));
      const fields = state.fields.map((f) => {
        const u = byKey.get(f.key);
        if (!u) return f;
        const page = u.page ?? f.page;
        return { ...withRect(f, roundRect(clampToPage(u.rect, pageOf(state, page)))), page };
      });
      if (action.transient) return { ...state, fields, gestureBase: state.gestureBase ?? state.fields };
      return commit({ ...state, fields: state.gestureBase ?? state.fields }, fields);
    }

    case 'endGesture': {
      if (!state.gestureBase) return state;
      if (state.gestureBase === state.fields) return { ...state, gestureBase: null };
      return commit({ ...state, fields: state.gestureBase }, state.fields);
    }

    case 'nudge': {
      if (state.selection.length === 0) return state;
      const fields = mapSelected(state, (f) =>
        withRect(
          f,
          roundRect(clampToPage({ ...fieldRect(f), x: f.position.x + action.dx, y: f.position.y + action.dy }, pageOf(state, f.page))),
        ),
      );
      return commit(state, fields);
    }

    case 'delete': {
      if (state.selection.length === 0) return state;
      const set = new Set(state.selection);
      return commit(
        state,
        state.fields.filter((f) => !set.has(f.key)),
        { selection: [] },
      );
    }

    case 'copy':
      return { ...state, clipboard: selected(state).map((f) => ({ ...f })) };

    case 'paste': {
      if (state.clipboard.length === 0) return state;
      const pasted = clones(state, state.clipboard, action.page, PASTE_OFFSET);
      // Repeated pastes cascade instead of stacking on one spot.
      const clipboard = state.clipboard.map((f) =>
        withRect(f, { ...fieldRect(f), x: f.position.x + PASTE_OFFSET, y: f.position.y + PASTE_OFFSET }),
      );
      return commit(state, [...state.fields, ...pasted], { selection: pasted.map((f) => f.key), clipboard });
    }

    case 'duplicate': {
      const src = selected(state);
      if (src.length === 0) return state;
      const dups = clones(state, src, null, PASTE_OFFSET);
      return commit(state, [...state.fields, ...dups], { selection: dups.map((f) => f.key) });
    }

    case 'undo': {
      const prev = state.past[state.past.length - 1];
      if (!prev) return state;
      const keys = new Set(prev.map((f) => f.key));
      return {
        ...state,
        fields: prev,
        past: state.past.slice(0, -1),
        future: [state.fields, ...state.future],
        selection: state.selection.filter((k) => keys.has(k)),
        gestureBase: null,
      };
    }

    case 'redo': {
      const next = state.future[0];
      if (!next) return state;
      const keys = new Set(next.map((f) => f.key));
      return {
        ...state,
        fields: next,
        past: [...state.past, state.fields],
        future: state.future.slice(1),
        selection: state.selection.filter((k) => keys.has(k)),
        gestureBase: null,
      };
    }

    case 'align':
    case 'distribute': {
      const sel = selected(state);
      if (sel.length < 2) return state;
      const rects = sel.map(fieldRect);
      const out = action.type === 'align' ? align(rects, action.how) : distribute(rects, action.how);
      const byKey = new Map(sel.map((f, i) => [f.key, roundRect(out[i])]));
      return commit(
        state,
        state.fields.map((f) => (byKey.has(f.key) ? withRect(f, byKey.get(f.key)!) : f)),
      );
    }

    case 'layer': {
      if (state.selection.length === 0) return state;
      // Re-number the whole stack 0..n-1 so orders stay small and distinct.
      const stack = byLayer(state.fields);
      const set = new Set(state.selection);
      let order: EditorField[];
      if (action.move === 'front') order = [...stack.filter((f) => !set.has(f.key)), ...stack.filter((f) => set.has(f.key))];
      else if (action.move === 'back') order = [...stack.filter((f) => set.has(f.key)), ...stack.filter((f) => !set.has(f.key))];
      else {
        order = [...stack];
        const up = action.move === 'forward';
        const idx = order.map((f, i) => (set.has(f.key) ? i : -1)).filter((i) => i >= 0);
        for (const i of up ? idx.reverse() : idx) {
          const j = up ? i + 1 : i - 1;
          if (j < 0 || j >= order.length || set.has(order[j].key)) continue;
          [order[i], order[j]] = [order[j], order[i]];
        }
      }
      const rank = new Map(order.map((f, i) => [f.key, i]));
      const fields = state.fields.map((f) =>
        f.layout.layerOrder === rank.get(f.key) ? f : { ...f, layout: { ...f.layout, layerOrder: rank.get(f.key)! } },
      );
      return commit(state, fields);
    }

    case 'update': {
      const fields = state.fields.map((f) => (f.key === action.key ? { ...f, ...action.patch, key: f.key } : f));
      return commit(state, fields);
    }
  }
}

export function canUndo(s: EditorState): boolean {
  return s.past.length > 0;
}

export function canRedo(s: EditorState): boolean {
  return s.future.length > 0;
}
