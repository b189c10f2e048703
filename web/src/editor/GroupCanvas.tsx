import type { EditorField } from '../state/fields.js';
import { groupCells } from '../state/groups.js';

/**
 * A repeating group's grid on its page: the field's box is the first cell; the others are drawn
 * as faint outlines, numbered in fill order, so the user sees where the next items go. They are
 * not part of the field: presses go through them to the page (or the fields under them).
 */
export function GroupCanvas({ field, zoom }: { field: EditorField; zoom: number }) {
  const cells = groupCells(field).slice(1);
  const px = (n: number) => `${n * zoom}px`;
  return (
    <>
      {cells.map((c, i) => (
        <div
          key={i}
          className="group-cell"
          data-testid="group-cell"
          data-group={field.key}
          aria-hidden="true"
          style={{ left: px(c.x), top: px(c.y), width: px(c.width), height: px(c.height) }}
        >
          <span className="group-cell-number">{i + 2}</span>
        </div>
      ))}
    </>
  );
}
