// @vitest-environment jsdom
import { createEvent, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { editorReducer, initialEditorState } from '../state/editor.js';
import { at, last, PageViewHarness as Harness } from './page-view-harness.js';

describe('PageView', () => {
  it('places the armed field type with its top-left corner where the page is clicked, on the grid (zoom 2)', () => {
    render(<Harness armed="checkbox" />);
    // (203, 97) px = (101.5, 48.5) pt → on the 5 pt grid (100, 50).
    fireEvent.pointerDown(screen.getByTestId('page-1'), at(203, 97));
    expect(last.fields).toHaveLength(1);
    expect(last.fields[0]).toMatchObject({ type: 'checkbox', position: { x: 100, y: 50 } });
    const el = screen.getByRole('button', { name: /Checkbox field checkbox1/ });
    expect(el.style.left).toBe('200px');
  });

  it('places a field clicked near the left edge at the click, not pushed to x = 0', () => {
    render(<Harness armed="text" snap={{ gridOn: false, grid: 5, edges: false }} />);
    fireEvent.pointerDown(screen.getByTestId('page-1'), at(13, 41));
    expect(last.fields[0].position).toEqual({ x: 6.5, y: 20.5 });
  });

  it('drops a palette field with its corner on the grid', () => {
    render(<Harness />);
    const surface = screen.getByTestId('page-1');
    const drop = createEvent.drop(surface, { dataTransfer: { getData: () => 'text', types: ['application/x-pdfstudio-field-type'] } });
    // jsdom's drag events carry no coordinates: give this one the pointer's.
    Object.defineProperties(drop, { clientX: { value: 247 }, clientY: { value: 121 } });
    fireEvent(surface, drop);
    // (123.5, 60.5) pt → (125, 60).
    expect(last.fields[0]).toMatchObject({ type: 'text', position: { x: 125, y: 60 } });
  });

  it('drags a field with snapping to the grid, as one undo step', () => {
    let s = initialEditorState([{ width: 600, height: 800 }]);
    s = editorReducer(s, { type: 'add', fieldType: 'text', page: 1, rect: { x: 100, y: 100, width: 100, height: 20 } });
    render(<Harness start={{ ...s, selection: [] }} />);
    const field = screen.getByRole('button', { name: /Text field text1/ });
    fireEvent.pointerDown(field, at(220, 220));
    fireEvent.pointerMove(screen.getByTestId('page-1'), at(241, 263));
    fireEvent.pointerMove(screen.getByTestId('page-1'), at(262, 283));
    fireEvent.pointerUp(screen.getByTestId('page-1'), at(262, 283));
    // moved by (21, 31.5) pt → (121, 131.5) → grid 5 → (120, 130)
    expect(last.fields[0].position).toEqual({ x: 120, y: 130 });
    expect(last.past).toHaveLength(2);
  });

  /** A text field at x 10 and a date field at x 100 on page 1, both selected; returns their keys. */
  function renderTwoSelected(): string[] {
    let s = initialEditorState([{ width: 600, height: 800 }]);
    s = editorReducer(s, { type: 'add', fieldType: 'text', page: 1, rect: { x: 10, y: 10, width: 50, height: 20 } });
    s = editorReducer(s, { type: 'add', fieldType: 'date', page: 1, rect: { x: 100, y: 10, width: 50, height: 20 } });
    const both = s.fields.map((f) => f.key);
    render(<Harness start={{ ...s, selection: both }} />);
    return both;
  }

  it('a click without drag on a field of a multi-selection selects that field alone; a drag moves them all', () => {
    const both = renderTwoSelected();
    const surface = screen.getByTestId('page-1');
    const date = screen.getByRole('button', { name: /Date field date1/ });
    fireEvent.pointerDown(date, at(250, 40));
    fireEvent.pointerMove(surface, at(251, 40));
    fireEvent.pointerUp(surface, at(251, 40));
    expect(last.selection).toEqual([both[1]]);
    expect(last.fields.map((f) => f.position.x)).toEqual([10, 100]);
  });

  it('dragging a field of a multi-selection moves every selected field', () => {
    const both = renderTwoSelected();
    const surface = screen.getByTestId('page-1');
    fireEvent.pointerDown(screen.getByRole('button', { name: /Date field date1/ }), at(250, 40));
    fireEvent.pointerMove(surface, at(290, 40));
    fireEvent.pointerUp(surface, at(290, 40));
    expect(last.selection).toEqual(both);
    expect(last.fields.map((f) => f.position.x)).toEqual([30, 120]);
  });

  it('selects with a box and toggles with shift-click', () => {
    let s = initialEditorState([{ width: 600, height: 800 }]);
    s = editorReducer(s, { type: 'add', fieldType: 'text', page: 1, rect: { x: 10, y: 10, width: 50, height: 20 } });
    s = editorReducer(s, { type: 'add', fieldType: 'date', page: 1, rect: { x: 100, y: 10, width: 50, height: 20 } });
    s = editorReducer(s, { type: 'add', fieldType: 'number', page: 1, rect: { x: 10, y: 300, width: 50, height: 20 } });
    render(<Harness start={{ ...s, selection: [] }} />);
    const page = screen.getByTestId('page-1');
    fireEvent.pointerDown(page, at(0, 0));
    fireEvent.pointerMove(page, at(400, 100));
    fireEvent.pointerUp(page, at(400, 100));
    expect(last.selection).toHaveLength(2);
    fireEvent.pointerDown(screen.getByRole('button', { name: /Number field/ }), { ...at(30, 610), shiftKey: true });
    fireEvent.pointerUp(page, at(30, 610));
    expect(last.selection).toHaveLength(3);
  });

  it('draws a rotated field turned about its centre and still moves and resizes it', () => {
    let s = initialEditorState([{ width: 600, height: 800 }]);
    s = editorReducer(s, { type: 'add', fieldType: 'text', page: 1, rect: { x: 100, y: 100, width: 100, height: 20 } });
    s = editorReducer(s, { type: 'update', key: s.fields[0].key, patch: { layout: { ...s.fields[0].layout, rotation: 90 } } });
    render(<Harness start={{ ...s, selection: [] }} />);
    const field = screen.getByRole('button', { name: /Text field text1/ });
    expect(field.style.transform).toBe('rotate(90deg)');
    // transform-origin is left at its default, the centre of the box (the engine's rotation origin).
    expect(field.style.transformOrigin).toBe('');
    const page = screen.getByTestId('page-1');
    // Move: page axes, as for any field.
    fireEvent.pointerDown(field, at(300, 220));
    fireEvent.pointerMove(page, at(320, 260));
    fireEvent.pointerUp(page, at(320, 260));
    expect(last.fields[0].position).toEqual({ x: 110, y: 120 });
    // Resize: the east handle of a box turned 90° clockwise sits at the bottom; dragging it down 30 pt widens the box.
    const east = field.querySelector('[data-handle="e"]')!;
    fireEvent.pointerDown(east, at(0, 0));
    fireEvent.pointerMove(page, at(0, 60));
    fireEvent.pointerUp(page, at(0, 60));
    expect(last.fields[0].size.width).toBeCloseTo(130);
    expect(last.fields[0].size.height).toBeCloseTo(20);
  });
});
