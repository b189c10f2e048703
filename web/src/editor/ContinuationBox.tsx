import type { ContinuationSpec } from '@/shared/domain/group.js';
import { CheckProp, NumberProp, SelectProp } from './inputs.js';

type Box = NonNullable<ContinuationSpec['box']>;
type PageChoice = 'same' | 'blank' | `${number}`;

/**
 * What the continuation pages of a table, a repeating group or a continuing text are (a copy of
 * its page, of another page of the PDF, or a blank page) and, if wanted, another box on them.
 */
export function ContinuationProps({
  value,
  pageCount,
  fieldBox,
  onCommit,
}: {
  value: ContinuationSpec;
  pageCount: number;
  /** The field's box on its own page: where another box starts from. */
  fieldBox?: Box;
  onCommit: (continuation: ContinuationSpec) => void;
}) {
  return (
    <>
      <SelectProp<PageChoice>
        label="Continues on"
        value={String(value.page) as PageChoice}
        options={[
          { value: 'same', label: 'A copy of this page' },
          ...Array.from({ length: pageCount }, (_, i) => ({ value: `${i + 1}` as PageChoice, label: `A copy of page ${i + 1}` })),
          { value: 'blank', label: 'A blank page' },
        ]}
        onCommit={(v) => onCommit({ ...value, page: v === 'same' || v === 'blank' ? v : Number(v) })}
      />
      {fieldBox && <ContinuationBox box={value.box} fieldBox={fieldBox} onCommit={(box) => onCommit({ ...value, box })} />}
    </>
  );
}

/**
 * Where the content sits on its continuation pages: its own box (default) or another one, e.g.
 * higher up on a continuation sheet that has no letterhead.
 */
export function ContinuationBox({
  box,
  fieldBox,
  onCommit,
}: {
  box: Box | undefined;
  /** The field's box on its own page: where another box starts from. */
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
