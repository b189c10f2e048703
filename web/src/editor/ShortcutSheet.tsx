import { useEffect, useRef } from 'react';

/** Every key the editor answers (web/src/state/keyboard.ts and the page's own gestures), for the `?` sheet. */
export const SHORTCUTS: [keys: string, what: string][] = [
  ['Click the page (a field type armed)', 'Place the field, its top-left corner at the pointer'],
  ['Drag on the page (a field type armed)', 'Draw the field’s box'],
  ['Alt while placing, moving or resizing', 'Ignore the grid and the other fields’ edges'],
  ['Shift while resizing', 'Keep the proportions'],
  ['Shift+click a field', 'Add it to the selection, or take it out'],
  ['← → ↑ ↓', 'Move the selection 1 pt'],
  ['Shift+← → ↑ ↓', 'Move the selection 10 pt'],
  ['Delete, Backspace', 'Delete the selection'],
  ['Escape', 'Disarm the field type, or clear the selection'],
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z, Ctrl+Y', 'Redo'],
  ['Ctrl+C, Ctrl+V', 'Copy and paste fields'],
  ['Ctrl+D', 'Duplicate (a radio’s copy is another option of its group)'],
  ['Ctrl+A', 'Select every field of the page'],
  ['?', 'Show this list'],
];

/** The keyboard shortcuts, in a modal dialog (Escape or the button closes it). */
export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    // jsdom has no showModal; a browser always does.
    if (d && typeof d.showModal === 'function' && !d.open) d.showModal();
    else d?.setAttribute('open', '');
  }, []);
  return (
    <dialog ref={dialog} className="shortcut-sheet" aria-labelledby="shortcuts-title" onClose={onClose} onCancel={onClose}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="primary" onClick={onClose} autoFocus>
        Close
      </button>
    </dialog>
  );
}
