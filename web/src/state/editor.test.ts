import { describe, expect, it } from 'vitest';
import { canRedo, canUndo, editorReducer, initialEditorState, type EditorAction, type EditorState } from './editor.js';
import { DEFAULT_SIZES, DEFAULT_STYLE, fieldRect } from './fields.js';

const pages = [
  { width: 612, height: 792 },
  { width: 612, height: 792 },
];

function run(actions: EditorAction[], start: EditorState = initialEditorState(pages)): EditorState {
  return actions.reduce(editorReducer, start);
}

describe('placing fields', () => {
  it('places every type with its top-left corner at the click point, with type defaults, unique binding keys and on top', () => {
    const s = run([
      { type: 'add', fieldType: 'text', page: 1, at: { x: 200, y: 100 } },
      { type: 'add', fieldType: 'text', page: 1, at: { x: 200, y: 200 } },
      { type: 'add', fieldType: 'dropdown', page: 2, at: { x: 100, y: 100 } },
      { type: 'add', fieldType: 'barcode', page: 1, at: { x: 300, y: 300 } },
    ]);
    const [t1, t2, dd, bc] = s.fields;
    expect(fieldRect(t1)).toEqual({ x: 200, y: 100, ...DEFAULT_SIZES.text });
    expect([t1.bindingKey, t2.bindingKey, dd.bindingKey]).toEqual(['text1', 'text2', 'dropdown1']);
    expect(dd.page).toBe(2);
    expect(dd.advanced.options).toEqual(['Option 1', 'Option 2']);
    expect(bc.advanced.barcode?.format).toBe('qrcode');
    expect(bc.layout.lockProportions).toBe(true);
    expect(s.fields.map((f) => f.layout.layerOrder)).toEqual([0, 1, 2, 3]);
    expect(s.selection).toEqual([bc.key]);
  });

  it('keeps a field placed at the page edge inside the page', () => {
    const s = run([{ type: 'add', fieldType: 'image', page: 1, at: { x: 611, y: 791 } }]);
    const r = fieldRect(s.fields[0]);
    expect(r.x + r.width).toBe(612);
    expect(r.y + r.height).toBe(792);
  });

  it('gives new fields the default style, not the last one the user set', () => {
    let s = run([{ type: 'add', fieldType: 'text', page: 1 }]);
    const f = s.fields[0];
    s = editorReducer(s, { type: 'update', key: f.key, patch: { style: { ...f.style, fontSize: 18, bold: true, textColor: '#ff0000' } } });
    s = editorReducer(s, { type: 'add', fieldType: 'number', page: 1 });
    expect(s.fields[1].style).toEqual(DEFAULT_STYLE);
  });

  it('a field placed by a press and sized by the drag that follows is one undo step', () => {
    let s = run([{ type: 'add', fieldType: 'text', page: 1, at: { x: 50, y: 50 } }]);
    s = editorReducer(s, { type: 'add', fieldType: 'table', page: 1, at: { x: 100, y: 100 }, gesture: true });
    const key = s.selection[0];
    s = editorReducer(s, { type: 'setRects', rects: [{ key, rect: { x: 100, y: 100, width: 200, height: 50 } }], transient: true });
    s = editorReducer(s, { type: 'setRects', rects: [{ key, rect: { x: 100, y: 100, width: 300, height: 120 } }], transient: true });
    s = editorReducer(s, { type: 'endGesture' });
    expect(fieldRect(s.fields[1])).toEqual({ x: 100, y: 100, width: 300, height: 120 });
    expect(s.past).toHaveLength(2);
    s = editorReducer(s, { type: 'undo' });
    expect(s.fields.map((f) => f.type)).toEqual(['text']);
    // A press without a drag still places the field (at its default size) once the gesture ends.
    s = editorReducer(s, { type: 'add', fieldType: 'checkbox', page: 1, at: { x: 10, y: 10 }, gesture: true });
    s = editorReducer(s, { type: 'endGesture' });
    expect(s.fields.map((f) => f.type)).toEqual(['text', 'checkbox']);
    expect(canUndo(s)).toBe(true);
    expect(editorReducer(s, { type: 'undo' }).fields).toHaveLength(1);
  });
});

describe('duplicating a radio', () => {
  it('keeps its binding key (the copy is another option of the group), with an option of its own', () => {
    let s = run([{ type: 'add', fieldType: 'radio', page: 1, at: { x: 50, y: 50 } }]);
    const [first] = s.fields;
    s = editorReducer(s, {
      type: 'update',
      key: first.key,
      patch: { bindingKey: 'size', advanced: { ...first.advanced, options: ['Option 1'] } },
    });
    s = editorReducer(s, { type: 'duplicate' });
    s = editorReducer(s, { type: 'duplicate' });
    expect(s.fields.map((f) => f.bindingKey)).toEqual(['size', 'size', 'size']);
    expect(s.fields.map((f) => f.advanced.options)).toEqual([['Option 1'], ['Option 2'], ['Option 3']]);
    expect(new Set(s.fields.map((f) => f.name)).size).toBe(3);
  });

  it('a text field’s copy still gets a binding key of its own', () => {
    let s = run([{ type: 'add', fieldType: 'text', page: 1, at: { x: 50, y: 50 } }]);
    s = editorReducer(s, { type: 'duplicate' });
    expect(s.fields.map((f) => f.bindingKey)).toEqual(['text1', 'text1_2']);
  });
});

describe('moving, nudging and history', () => {
  it('turns a drag (many transient updates) into one undo step', () => {
    let s = run([{ type: 'add', fieldType: 'text', page: 1, rect: { x: 10, y: 10, width: 100, height: 20 } }]);
    const key = s.fields[0].key;
    for (let i = 1; i <= 5; i += 1)
      s = editorReducer(s, {
        type: 'setRects',
        rects: [{ key, rect: { x: 10 + i * 10, y: 10, width: 100, height: 20 } }],
        transient: true,
      });
    s = editorReducer(s, { type: 'endGesture' });
    expect(s.fields[0].position).toEqual({ x: 60, y: 10 });
    expect(s.past.length).toBe(2);
    s = editorReducer(s, { type: 'undo' });
    expect(s.fields[0].position).toEqual({ x: 10, y: 10 });
    expect(canRedo(s)).toBe(true);
    s = editorReducer(s, { type: 'redo' });
    expect(s.fields[0].position).toEqual({ x: 60, y: 10 });
  });

  it('a click without movement records nothing', () => {
    const s = run([{ type: 'add', fieldType: 'text', page: 1 }, { type: 'endGesture' }]);
    expect(s.past.length).toBe(1);
  });

  it('nudges the selection by the given points and clamps at the page edge', () => {
    let s = run([{ type: 'add', fieldType: 'checkbox', page: 1, rect: { x: 3, y: 50, width: 14, height: 14 } }]);
    s = run(
      [
        { type: 'nudge', dx: 1, dy: 0 },
        { type: 'nudge', dx: 0, dy: 10 },
        { type: 'nudge', dx: -10, dy: 0 },
      ],
      s,
    );
    expect(s.fields[0].position).toEqual({ x: 0, y: 60 });
  });

  it('undo after a new edit drops the redo stack', () => {
    let s = run([{ type: 'add', fieldType: 'text', page: 1 }, { type: 'nudge', dx: 5, dy: 0 }, { type: 'undo' }]);
    expect(canRedo(s)).toBe(true);
    s = editorReducer(s, { type: 'nudge', dx: 0, dy: 5 });
    expect(canRedo(s)).toBe(false);
    expect(canUndo(s)).toBe(true);
  });
});

describe('selection, clipboard, delete', () => {
  const base = run([
    { type: 'add', fieldType: 'text', page: 1, rect: { x: 10, y: 10, width: 50, height: 20 } },
    { type: 'add', fieldType: 'date', page: 1, rect: { x: 100, y: 10, width: 50, height: 20 } },
    { type: 'add', fieldType: 'number', page: 1, rect: { x: 300, y: 300, width: 50, height: 20 } },
    { type: 'add', fieldType: 'number', page: 2, rect: { x: 10, y: 10, width: 50, height: 20 } },
  ]);
  const [a, b, c] = base.fields;

  it('selects by box on one page only, shift adds, toggle removes', () => {
    let s = editorReducer(base, { type: 'selectInRect', page: 1, rect: { x: 0, y: 0, width: 200, height: 50 } });
    expect(s.selection).toEqual([a.key, b.key]);
    s = editorReducer(s, { type: 'select', keys: [c.key], mode: 'toggle' });
    expect(s.selection).toEqual([a.key, b.key, c.key]);
    s = editorReducer(s, { type: 'select', keys: [a.key], mode: 'toggle' });
    expect(s.selection).toEqual([b.key, c.key]);
    s = editorReducer(s, { type: 'selectAll', page: 1 });
    expect(s.selection).toHaveLength(3);
  });

  it('copies, pastes offset with new binding keys, and cascades repeated pastes', () => {
    let s = run([{ type: 'select', keys: [a.key, b.key] }, { type: 'copy' }, { type: 'paste', page: 1 }, { type: 'paste', page: 1 }], base);
    expect(s.fields).toHaveLength(8);
    const p1 = s.fields[4];
    const p2 = s.fields[6];
    expect(p1.position).toEqual({ x: 20, y: 20 });
    expect(p2.position).toEqual({ x: 30, y: 30 });
    expect(new Set(s.fields.map((f) => f.bindingKey)).size).toBe(8);
    expect(new Set(s.fields.map((f) => f.key)).size).toBe(8);
    expect(p1.bindingKey).toBe('text1_2');
    s = editorReducer(s, { type: 'undo' });
    expect(s.fields).toHaveLength(6);
  });

  it('duplicates in place (offset) and deletes the selection', () => {
    let s = run([{ type: 'select', keys: [c.key] }, { type: 'duplicate' }], base);
    expect(s.fields).toHaveLength(5);
    expect(s.fields[4].position).toEqual({ x: 310, y: 310 });
    s = run([{ type: 'select', keys: [a.key, c.key] }, { type: 'delete' }], s);
    expect(s.fields.map((f) => f.key)).not.toContain(a.key);
    expect(s.fields).toHaveLength(3);
    expect(s.selection).toEqual([]);
  });

  it('a pasted or duplicated copy of an imported form field is no longer linked to the PDF form field', () => {
    const imported = { ...a, advanced: { ...a.advanced, acroFormName: 'customer', acroFormWidget: 0 } };
    const start = { ...base, fields: base.fields.map((f) => (f.key === a.key ? imported : f)) };
    let s = run([{ type: 'select', keys: [a.key] }, { type: 'copy' }, { type: 'paste', page: 1 }], start);
    const pasted = s.fields[s.fields.length - 1];
    expect(pasted.advanced.acroFormName).toBeUndefined();
    expect(pasted.advanced.acroFormWidget).toBeUndefined();
    expect(s.fields.find((f) => f.key === a.key)!.advanced.acroFormName).toBe('customer');
    s = run([{ type: 'select', keys: [a.key] }, { type: 'duplicate' }], s);
    expect(s.fields[s.fields.length - 1].advanced.acroFormName).toBeUndefined();
    // Undoing a delete brings the original back with its link.
    s = run([{ type: 'select', keys: [a.key] }, { type: 'delete' }, { type: 'undo' }], s);
    expect(s.fields.find((f) => f.key === a.key)!.advanced.acroFormName).toBe('customer');
  });

  it('aligns and distributes the selection as one undo step', () => {
    let s = run(
      [
        { type: 'select', keys: [a.key, b.key, c.key] },
        { type: 'align', how: 'top' },
      ],
      base,
    );
    expect(s.fields.slice(0, 3).map((f) => f.position.y)).toEqual([10, 10, 10]);
    s = editorReducer(s, { type: 'distribute', how: 'horizontal' });
    const xs = s.fields.slice(0, 3).map((f) => f.position.x);
    expect(xs[1] - (xs[0] + 50)).toBeCloseTo(xs[2] - (xs[1] + 50), 5);
    s = run([{ type: 'undo' }, { type: 'undo' }], s);
    expect(s.fields.slice(0, 3).map((f) => f.position)).toEqual([a.position, b.position, c.position]);
  });

  it('reorders layers: front, back, forward, backward', () => {
    const order = (s: EditorState) => [...s.fields].sort((x, y) => x.layout.layerOrder - y.layout.layerOrder).map((f) => f.key);
    let s = run(
      [
        { type: 'select', keys: [a.key] },
        { type: 'layer', move: 'front' },
      ],
      base,
    );
    expect(order(s).at(-1)).toBe(a.key);
    s = editorReducer(s, { type: 'layer', move: 'back' });
    expect(order(s)[0]).toBe(a.key);
    s = editorReducer(s, { type: 'layer', move: 'forward' });
    expect(order(s)[1]).toBe(a.key);
    s = editorReducer(s, { type: 'layer', move: 'backward' });
    expect(order(s)[0]).toBe(a.key);
  });
});
