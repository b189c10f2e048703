import type { FieldAdvanced } from '@/shared/domain/field.js';
import { fieldRect, type EditorField } from '../state/fields.js';
import { ContinuationProps } from './ContinuationBox.js';
import { NumberProp, SelectProp } from './inputs.js';

const OVERFLOWS = ['shrink', 'wrap', 'ellipsis', 'clip'] as const;
/** Only text continues on new pages (the API refuses 'continue' on other field types). */
const TEXT_OVERFLOWS = [...OVERFLOWS.map((o) => ({ value: o, label: o })), { value: 'continue' as const, label: 'Continue on new pages' }];

/**
 * What a textual field does with text that does not fit: shrink, wrap, cut — or, for text fields,
 * continue on pages added after this one, which then asks where (as a table's continuation does).
 */
export function OverflowProps({
  field: f,
  pageCount,
  onCommit,
}: {
  field: EditorField;
  pageCount: number;
  onCommit: (patch: Partial<FieldAdvanced>) => void;
}) {
  const a = f.advanced;
  const continues = f.type === 'text' && a.overflow === 'continue';
  return (
    <>
      <div className="prop-grid">
        <SelectProp
          label="Overflow"
          value={a.overflow}
          options={f.type === 'text' ? TEXT_OVERFLOWS : OVERFLOWS}
          // Where the text continues means nothing once it no longer does: not kept.
          onCommit={(overflow) => onCommit({ overflow, continuation: overflow === 'continue' ? a.continuation : undefined })}
        />
        <NumberProp
          label="Min font size"
          value={a.minFontSize}
          min={1}
          onCommit={(minFontSize) => minFontSize && onCommit({ minFontSize })}
        />
      </div>
      {continues && (
        <>
          <ContinuationProps
            value={a.continuation ?? { page: 'same' }}
            pageCount={pageCount}
            fieldBox={fieldRect(f)}
            onCommit={(continuation) => onCommit({ continuation })}
          />
          <p className="hint">The lines that do not fit in the box continue on pages added after this one.</p>
        </>
      )}
    </>
  );
}
