import type { FieldAdvanced } from '@/shared/domain/field.js';
import { NumberProp, TextProp } from './inputs.js';

/** How a number or a date prints: the same inputs for a field and for a table column. */

type NumberFormat = NonNullable<FieldAdvanced['number']>;
type DateFormat = NonNullable<FieldAdvanced['date']>;

export function NumberFormatProps({ value, onCommit }: { value: NumberFormat | undefined; onCommit: (v: NumberFormat) => void }) {
  return (
    <div className="prop-grid">
      <TextProp label="Locale" value={value?.locale ?? 'en-US'} onCommit={(locale) => onCommit({ ...value, locale })} />
      <NumberProp
        label="Decimals"
        value={value?.decimals}
        min={0}
        max={10}
        optional
        onCommit={(decimals) => onCommit({ locale: 'en-US', ...value, decimals })}
      />
      <TextProp
        label="Currency"
        value={value?.currency ?? ''}
        placeholder="EUR"
        validate={(s) => (s === '' || /^[A-Za-z]{3}$/.test(s) ? null : 'Three letters, e.g. EUR')}
        onCommit={(c) => onCommit({ locale: 'en-US', ...value, currency: c ? c.toUpperCase() : undefined })}
      />
    </div>
  );
}

export function DateFormatProps({ value, onCommit }: { value: DateFormat | undefined; onCommit: (v: DateFormat) => void }) {
  return (
    <div className="prop-grid">
      <TextProp
        label="Pattern"
        value={value?.pattern ?? 'yyyy-MM-dd'}
        onCommit={(pattern) => onCommit({ timezone: 'UTC', locale: 'en-US', ...value, pattern })}
      />
      <TextProp
        label="Time zone"
        value={value?.timezone ?? 'UTC'}
        onCommit={(timezone) => onCommit({ pattern: 'yyyy-MM-dd', locale: 'en-US', ...value, timezone })}
      />
    </div>
  );
}
