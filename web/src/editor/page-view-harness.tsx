import { useReducer } from 'react';
import { editorReducer, initialEditorState, type EditorState } from '../state/editor.js';
import type { Tool } from '../state/fields.js';
import { PageView } from './PageView.js';

/*
 * For the canvas tests: one 600 × 800 pt page at zoom 2 driven by the real editor reducer, with
 * the state after each render in `last` (a live binding: importers always read the latest).
 */

export let last: EditorState;

const SNAP_ON = { gridOn: true, grid: 5, edges: true };

export function PageViewHarness({
  armed = null,
  start,
  snap = SNAP_ON,
}: {
  armed?: Tool | null;
  start?: EditorState;
  snap?: { gridOn: boolean; grid: number; edges: boolean };
}) {
  const [state, dispatch] = useReducer(editorReducer, start ?? initialEditorState([{ width: 600, height: 800 }]));
  last = state;
  return (
    <PageView
      doc={null}
      pageNumber={1}
      size={{ width: 600, height: 800 }}
      zoom={2}
      fields={state.fields}
      selection={state.selection}
      armed={armed}
      snap={snap}
      issues={new Map()}
      dispatch={dispatch}
      onPlaced={() => undefined}
    />
  );
}

/** A pointer event's coordinates: jsdom has no layout, so the page surface sits at the client origin. */
export const at = (x: number, y: number) => ({ clientX: x, clientY: y, button: 0, pointerId: 1 });
