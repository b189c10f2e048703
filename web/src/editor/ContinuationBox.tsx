import type { TableSpec } from '@/shared/domain/table.js';
import { CheckProp, NumberProp } from './inputs.js';

type Box = NonNullable<TableSpec['continuation']['box']>;

/**
 * Where the table sits on its continuation pages: its own box (default) or another one, e.g. higher
 * up on a continuation sheet that has no letterhead.
 */
export function ContinuationBox({
  box,
  fieldBox,
  onCommit,
}: {
  box: Box | undefined;
  /** The table's box on its own page: where another box starts from. */
  fieldBox: Box;
  onCommit: (box: Box | undefined) => void;
}) {
  const set = (patch: Partial<Box>) => box && onCommit({ ...box, ...patch });
  return (
    <>
      <CheckProp
        label="Another box on continuation pages"
        value={box !== undefined}
        onCommit={(on) => onCommit(on ? { ...fieldBox } : undefined)}
      />
      {box && (
        <div className="prop-grid">
          <NumberProp label="Box X (pt)" value={box.x} min={0} onCommit={(x) => x !== undefined && set({ x })} />
          <NumberProp label="Box Y (pt)" value={box.y} min={0} onCommit={(y) => y !== undefined && set({ y })} />
          <NumberProp label="Box width (pt)" value={box.width} min={1} onCommit={(width) => width !== undefined && set({ width })} />
          <NumberProp label="Box height (pt)" value={box.height} min={1} onCommit={(height) => height !== undefined && set({ height })} />
        </div>
      )}
    </>
  );
}
