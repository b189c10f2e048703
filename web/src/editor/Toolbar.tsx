import type { Alignment, Distribution } from '../state/align.js';
import type { EditorAction, LayerMove } from '../state/editor.js';
import { ZOOM_LEVELS } from '../state/geometry.js';
import type { SnapSettings } from './PageView.js';
import { SaveIndicator, type SaveView } from './SaveIndicator.js';

interface Props {
  zoom: number;
  setZoom: (z: number) => void;
  fitWidth: () => void;
  canUndo: boolean;
  canRedo: boolean;
  selectionCount: number;
  snap: SnapSettings;
  setSnap: (s: SnapSettings) => void;
  dispatch: (a: EditorAction) => void;
  save: SaveView;
  onRetry: () => void;
  onShortcuts: () => void;
}

const ALIGN: { how: Alignment; label: string; icon: string }[] = [
  { how: 'left', label: 'Align left edges', icon: '⇤' },
  { how: 'hcenter', label: 'Align horizontal centres', icon: '↔' },
  { how: 'right', label: 'Align right edges', icon: '⇥' },
  { how: 'top', label: 'Align top edges', icon: '⤒' },
  { how: 'vcenter', label: 'Align vertical centres', icon: '↕' },
  { how: 'bottom', label: 'Align bottom edges', icon: '⤓' },
];
const DISTRIBUTE: { how: Distribution; label: string; icon: string }[] = [
  { how: 'horizontal', label: 'Distribute horizontally', icon: '⋯' },
  { how: 'vertical', label: 'Distribute vertically', icon: '⋮' },
];
// Words, not arrows: arrows read as "move the field up" (what the arrow keys do).
const LAYERS: { move: LayerMove; label: string; icon: string }[] = [
  { move: 'front', label: 'Bring to front', icon: 'To front' },
  { move: 'forward', label: 'Bring forward', icon: 'Forward' },
  { move: 'backward', label: 'Send backward', icon: 'Backward' },
  { move: 'back', label: 'Send to back', icon: 'To back' },
];

export function Toolbar({
  zoom,
  setZoom,
  fitWidth,
  canUndo,
  canRedo,
  selectionCount,
  snap,
  setSnap,
  dispatch,
  save,
  onRetry,
  onShortcuts,
}: Props) {
  const idx = ZOOM_LEVELS.findIndex((z) => z >= zoom - 1e-6);
  return (
    <div className="toolbar" role="toolbar" aria-label="Editor tools">
      <div className="tool-group">
        <button type="button" onClick={() => dispatch({ type: 'undo' })} disabled={!canUndo} aria-label="Undo" title="Undo (Ctrl+Z)">
          ↶
        </button>
        <button type="button" onClick={() => dispatch({ type: 'redo' })} disabled={!canRedo} aria-label="Redo" title="Redo (Ctrl+Shift+Z)">
          ↷
        </button>
      </div>
      <div className="tool-group">
        <button
          type="button"
          aria-label="Zoom out"
          onClick={() => setZoom(ZOOM_LEVELS[Math.max(0, (idx < 0 ? ZOOM_LEVELS.length : idx) - 1)])}
        >
          −
        </button>
        <label className="visually-hidden" htmlFor="zoom-select">
          Zoom
        </label>
        <select
          id="zoom-select"
          value={String(zoom)}
          onChange={(e) => (e.target.value === 'fit' ? fitWidth() : setZoom(Number(e.target.value)))}
        >
          {!ZOOM_LEVELS.some((z) => Math.abs(z - zoom) < 1e-6) && <option value={String(zoom)}>{Math.round(zoom * 100)}%</option>}
          {ZOOM_LEVELS.map((z) => (
            <option key={z} value={String(z)}>
              {Math.round(z * 100)}%
            </option>
          ))}
          <option value="fit">Fit width</option>
        </select>
        <button
          type="button"
          aria-label="Zoom in"
          onClick={() =>
            setZoom(
              ZOOM_LEVELS[
                Math.min(ZOOM_LEVELS.length - 1, idx < 0 ? ZOOM_LEVELS.length - 1 : ZOOM_LEVELS[idx] > zoom + 1e-6 ? idx : idx + 1)
              ],
            )
          }
        >
          +
        </button>
      </div>
      <div className="tool-group">
        <label className="check">
          <input type="checkbox" checked={snap.gridOn} onChange={(e) => setSnap({ ...snap, gridOn: e.target.checked })} />
          Grid
        </label>
        <label className="visually-hidden" htmlFor="grid-size">
          Grid size in points
        </label>
        <select
          id="grid-size"
          value={snap.grid}
          onChange={(e) => setSnap({ ...snap, grid: Number(e.target.value) })}
          disabled={!snap.gridOn}
        >
          {[2, 5, 10, 20].map((g) => (
            <option key={g} value={g}>
              {g} pt
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={snap.edges} onChange={(e) => setSnap({ ...snap, edges: e.target.checked })} />
          Snap to fields
        </label>
      </div>
      <div className="tool-group" role="group" aria-label="Align and distribute (2 or more fields)">
        <span className="tool-label" aria-hidden="true">
          Align
        </span>
        {ALIGN.map((a) => (
          <button
            key={a.how}
            type="button"
            aria-label={a.label}
            title={a.label}
            disabled={selectionCount < 2}
            onClick={() => dispatch({ type: 'align', how: a.how })}
          >
            {a.icon}
          </button>
        ))}
        {DISTRIBUTE.map((d) => (
          <button
            key={d.how}
            type="button"
            aria-label={d.label}
            title={d.label}
            disabled={selectionCount < 3}
            onClick={() => dispatch({ type: 'distribute', how: d.how })}
          >
            {d.icon}
          </button>
        ))}
      </div>
      <div className="tool-group" role="group" aria-label="Layer">
        <span className="tool-label" aria-hidden="true">
          Layer
        </span>
        {LAYERS.map((l) => (
          <button
            key={l.move}
            type="button"
            aria-label={l.label}
            title={l.label}
            disabled={selectionCount < 1}
            onClick={() => dispatch({ type: 'layer', move: l.move })}
          >
            {l.icon}
          </button>
        ))}
        <button
          type="button"
          aria-label="Duplicate"
          title="Duplicate (Ctrl+D)"
          disabled={selectionCount < 1}
          onClick={() => dispatch({ type: 'duplicate' })}
        >
          Duplicate
        </button>
        <button
          type="button"
          aria-label="Delete"
          title="Delete (Del)"
          disabled={selectionCount < 1}
          onClick={() => dispatch({ type: 'delete' })}
        >
          Delete
        </button>
      </div>
      <button type="button" onClick={onShortcuts} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
        ?
      </button>
      <SaveIndicator save={save} onRetry={onRetry} />
    </div>
  );
}
