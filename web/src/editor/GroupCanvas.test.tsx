// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { initialEditorState } from '../state/editor.js';
import { DEFAULT_STYLE, makeField, type Tool } from '../state/fields.js';
import { isGroup } from '../state/groups.js';
import { at, last, PageViewHarness as Harness } from './page-view-harness.js';
import { Palette } from './Palette.js';

const group = makeField('group', 1, { x: 40, y: 50, width: 180, height: 72 }, DEFAULT_STYLE, new Set());
const withGroup = () => ({ ...initialEditorState([{ width: 600, height: 800 }], [group]) });

describe('a repeating group on the canvas', () => {
  it('is placed by the palette’s group tool', () => {
    render(<Harness armed="group" />);
    fireEvent.pointerDown(screen.getByTestId('page-1'), at(400, 400));
    expect(last.fields).toHaveLength(1);
    expect(isGroup(last.fields[0])).toBe(true);
    expect(last.fields[0]).toMatchObject({
      type: 'table',
      bindingKey: 'labels',
      position: { x: 200, y: 200 },
      size: { width: 180, height: 72 },
    });
    expect(screen.getByRole('button', { name: /^Repeating group field labels/ })).toBeTruthy();
  });

  it('draws the other cells of its page’s grid as outlines, numbered in fill order', () => {
    render(<Harness start={withGroup()} />);
    const cells = screen.getAllByTestId('group-cell');
    expect(cells).toHaveLength(7);
    // Zoom 2: the second cell is one cell width and a 10 pt gap to the right, the third one row down.
    expect([cells[0].style.left, cells[0].style.top]).toEqual(['460px', '100px']);
    expect([cells[1].style.left, cells[1].style.top, cells[1].style.width, cells[1].style.height]).toEqual([
      '80px',
      '264px',
      '360px',
      '144px',
    ]);
    expect(cells.map((c) => c.textContent)).toEqual(['2', '3', '4', '5', '6', '7', '8']);
    // No table header on a group's box: it has no columns.
    expect(screen.queryByTestId('table-canvas')).toBeNull();
  });

  it('with a tool armed, a press on the group places the new field inside its cell and selects it', () => {
    render(<Harness armed="text" start={withGroup()} />);
    const el = screen.getByRole('button', { name: /Repeating group field labels/ });
    fireEvent.pointerDown(el, at(260, 170));
    fireEvent.focus(el);
    fireEvent.pointerUp(screen.getByTestId('page-1'), at(260, 170));
    expect(last.fields).toHaveLength(2);
    const text = last.fields[1];
    // Its corner at the press (130, 85) pt, moved left so its 160 pt fit in the cell (40…220).
    expect(text).toMatchObject({ type: 'text', position: { x: 60, y: 85 } });
    expect(last.selection).toEqual([text.key]);
    expect(last.fields[0].position).toEqual(group.position);
  });

  it('without a tool, a press on the group selects it as any field', () => {
    render(<Harness start={withGroup()} />);
    fireEvent.pointerDown(screen.getByRole('button', { name: /Repeating group field labels/ }), at(100, 120));
    expect(last.selection).toEqual([group.key]);
  });
});

describe('Palette', () => {
  it('offers the repeating group next to the field types', () => {
    const armed: (Tool | null)[] = [];
    render(<Palette armed={null} onArm={(t) => armed.push(t)} onPlaceCentered={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Repeating group' }));
    fireEvent.click(screen.getByRole('button', { name: 'Table field' }));
    expect(armed).toEqual(['group', 'table']);
  });
});

describe('moving a repeating group', () => {
  it('carries its members along, and leaves other fields where they are', () => {
    const member = {
      ...makeField('text', 1, { x: 50, y: 60, width: 100, height: 20 }, DEFAULT_STYLE, new Set()),
      bindingKey: 'labels.name',
    };
    const other = { ...makeField('text', 1, { x: 400, y: 600, width: 100, height: 20 }, DEFAULT_STYLE, new Set()), bindingKey: 'title' };
    render(<Harness start={initialEditorState([{ width: 600, height: 800 }], [group, member, other])} />);
    const el = screen.getByRole('button', { name: /Repeating group field labels/ });
    // Zoom 2: a press in the group's corner, dragged 40 pt right and 100 pt down (snapping off with Alt).
    fireEvent.pointerDown(el, at(90, 105));
    fireEvent.pointerMove(screen.getByTestId('page-1'), { ...at(170, 305), altKey: true });
    fireEvent.pointerUp(screen.getByTestId('page-1'), { ...at(170, 305), altKey: true });
    const byKey = new Map(last.fields.map((f) => [f.key, f]));
    expect(byKey.get(group.key)!.position).toEqual({ x: 80, y: 150 });
    expect(byKey.get(member.key)!.position).toEqual({ x: 90, y: 160 });
    expect(byKey.get(other.key)!.position).toEqual({ x: 400, y: 600 });
    // One undo step puts both back.
    expect(last.past).toHaveLength(1);
  });
});
