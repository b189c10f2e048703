import { describe, expect, it } from 'vitest';
import { DEFAULT_STYLE, kindLabel, makeField, type EditorField } from './fields.js';
import { editorReducer, initialEditorState } from './editor.js';
import { freeGroupKey, gridOverflow, groupCells, groupMembers, groupOfField, insideCell, isGroup, memberKey } from './groups.js';

const at = (bindingKey: string, x = 20, y = 20, type: 'text' | 'group' = 'text'): EditorField => ({
  ...makeField(type, 1, { x, y, width: type === 'group' ? 180 : 100, height: type === 'group' ? 72 : 20 }, DEFAULT_STYLE, new Set()),
  bindingKey,
  name: bindingKey,
});

describe('a new repeating group', () => {
  it('is a table field with a 2 × 4 grid and no columns, under a free key', () => {
    const g = makeField('group', 1, { x: 10, y: 10, width: 180, height: 72 }, DEFAULT_STYLE, new Set(['labels.name', 'items']));
    expect(g.type).toBe('table');
    expect(g.advanced.table).toBeUndefined();
    expect(g.advanced.group).toMatchObject({ across: 2, down: 4, gapX: 10, gapY: 10, order: 'across', continuation: { page: 'same' } });
    expect(g.bindingKey).toBe('cards');
    expect(g.name).toBe('cards');
    expect(isGroup(g)).toBe(true);
    expect(kindLabel(g)).toBe('Repeating group');
    expect(kindLabel(makeField('table', 1, { x: 0, y: 0, width: 10, height: 10 }, DEFAULT_STYLE, new Set()))).toBe('Table');
  });

  it('takes the first free key, numbered once the usual ones are used', () => {
    expect(freeGroupKey(new Set())).toBe('labels');
    expect(freeGroupKey(new Set(['labels', 'items.qty', 'cards']))).toBe('labels2');
  });

  it('is placed by the palette tool at its cell size, its corner where the page is clicked', () => {
    const s = editorReducer(initialEditorState([{ width: 595, height: 842 }]), {
      type: 'add',
      fieldType: 'group',
      page: 1,
      at: { x: 200, y: 200 },
    });
    const [g] = s.fields;
    expect(isGroup(g)).toBe(true);
    expect(g.size).toEqual({ width: 180, height: 72 });
    expect(g.position).toEqual({ x: 200, y: 200 });
    expect(s.selection).toEqual([g.key]);
  });
});

describe('group members', () => {
  const labels = at('labels', 20, 20, 'group');
  const nested = { ...at('labels.sender', 20, 20, 'group') };
  const name = at('labels.name');
  const from = at('labels.sender.name');
  const lonely = at('labelsX.name');
  const fields = [labels, name, nested, from, lonely];

  it('are the fields bound below the group’s key, each in the group with the longest such key', () => {
    expect(groupMembers(fields, labels)).toEqual([name, nested]);
    expect(groupMembers(fields, nested)).toEqual([from]);
    expect(groupOfField(fields, lonely)).toBeUndefined();
    expect(groupOfField(fields, labels)).toBeUndefined();
    expect(memberKey(labels, name)).toBe('name');
    expect(memberKey(labels, from)).toBe('sender.name');
  });

  it('must lie inside the cell, on the group’s page', () => {
    expect(insideCell(labels, name)).toBe(true);
    expect(insideCell(labels, at('labels.x', 150, 20))).toBe(false);
    expect(insideCell(labels, { ...name, page: 2 })).toBe(false);
  });
});

describe('the grid', () => {
  it('has across × down cells with gaps, the first one the field’s box, in fill order', () => {
    const g = at('labels', 20, 30, 'group');
    const across = groupCells(g);
    expect(across).toHaveLength(8);
    expect(across[0]).toEqual({ x: 20, y: 30, width: 180, height: 72 });
    expect(across[1]).toEqual({ x: 210, y: 30, width: 180, height: 72 });
    expect(across[2]).toEqual({ x: 20, y: 112, width: 180, height: 72 });
    const down = groupCells({ ...g, advanced: { ...g.advanced, group: { ...g.advanced.group!, order: 'down' } } });
    expect(down[1]).toEqual({ x: 20, y: 112, width: 180, height: 72 });
    expect(down[4]).toEqual({ x: 210, y: 30, width: 180, height: 72 });
    expect(groupCells(at('customer'))).toEqual([]);
  });

  it('says how far it reaches beyond the page', () => {
    const g = at('labels', 20, 30, 'group');
    expect(gridOverflow(g, { width: 595, height: 842 })).toEqual({ right: 0, bottom: 0 });
    // 2 cells across end at 20 + 180 + 10 + 180 = 390; 4 down at 30 + 4 × 72 + 3 × 10 = 348.
    expect(gridOverflow(g, { width: 300, height: 300 })).toEqual({ right: 90, bottom: 48 });
  });
});
