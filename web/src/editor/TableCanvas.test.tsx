// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { editorReducer, initialEditorState, type EditorState } from '../state/editor.js';
import { at, last, PageViewHarness as Harness } from './page-view-harness.js';

const SNAP_OFF = { gridOn: false, grid: 5, edges: false };

function withTable(): EditorState {
  const s = initialEditorState([{ width: 600, height: 800 }]);
  // 400 pt wide at zoom 2: 800 px; columns 3 : 1 : 1.
  return {
    ...editorReducer(s, { type: 'add', fieldType: 'table', page: 1, rect: { x: 50, y: 100, width: 400, height: 160 } }),
    selection: [],
  };
}

const widths = () => last.fields[0].advanced.table!.columns.map((c) => c.width);

describe('a table on the canvas', () => {
  it('is drawn as a box with the table tool: press, drag, release is one field of that size and one undo step', () => {
    render(<Harness snap={SNAP_OFF} armed="table" />);
    const surface = screen.getByTestId('page-1');
    fireEvent.pointerDown(surface, at(100, 200));
    fireEvent.pointerMove(surface, at(500, 300));
    fireEvent.pointerMove(surface, at(900, 600));
    fireEvent.pointerUp(surface, at(900, 600));
    expect(last.fields).toHaveLength(1);
    expect(last.fields[0]).toMatchObject({ type: 'table', position: { x: 50, y: 100 }, size: { width: 400, height: 200 } });
    expect(last.past).toHaveLength(1);
    expect(last.gestureBase).toBeNull();
  });

  it('shows the column headers and a divider at each running share of the weights', () => {
    render(<Harness snap={SNAP_OFF} start={withTable()} />);
    const cells = screen.getAllByTestId('table-header-cell');
    expect(cells.map((c) => c.textContent)).toEqual(['Description', 'Qty', 'Price']);
    expect(cells.map((c) => c.style.width)).toEqual(['480px', '160px', '160px']);
    const dividers = screen.getAllByRole('separator');
    expect(dividers.map((d) => d.style.left)).toEqual(['480px', '640px']);
    expect(dividers[0].getAttribute('aria-label')).toBe('Width between Description and Qty');
    expect(dividers[0].getAttribute('aria-valuetext')).toBe('Description 60 %, Qty 20 %');
  });

  it('dragging a divider changes the two neighbouring weights once, on release, and does not move the field', () => {
    render(<Harness snap={SNAP_OFF} start={withTable()} />);
    const divider = screen.getByRole('separator', { name: 'Width between Description and Qty' });
    fireEvent.pointerDown(divider, at(580, 130));
    fireEvent.pointerMove(divider, at(500, 130));
    // While dragging the canvas follows, the field is not yet changed.
    expect(divider.style.left).toBe('400px');
    expect(widths()).toEqual([3, 1, 1]);
    fireEvent.pointerMove(divider, at(420, 140));
    fireEvent.pointerUp(divider, at(420, 140));
    // 160 px left of 480 px at 800 px wide: the divider at 40 %, Description 2, Qty 2.
    expect(widths()).toEqual([2, 2, 1]);
    expect(last.fields[0].position).toEqual({ x: 50, y: 100 });
    expect(last.past).toHaveLength(2);
    expect(screen.getAllByTestId('table-header-cell').map((c) => c.style.width)).toEqual(['320px', '320px', '160px']);
  });

  it('moves a focused divider with the arrow keys (Shift: ten times as far)', () => {
    render(<Harness snap={SNAP_OFF} start={withTable()} />);
    const divider = screen.getByRole('separator', { name: 'Width between Qty and Price' });
    fireEvent.keyDown(divider, { key: 'ArrowRight' });
    expect(widths()).toEqual([3, 1.05, 0.95]);
    fireEvent.keyDown(divider, { key: 'ArrowLeft', shiftKey: true });
    expect(widths()).toEqual([3, 0.55, 1.45]);
    expect(screen.getByRole('separator', { name: 'Width between Qty and Price' }).getAttribute('aria-valuenow')).toBe('71');
  });
});
