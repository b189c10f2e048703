import { tableRowCount, MAX_SAMPLE_ROWS, withTableRows } from '../state/sample.js';
import type { EditorField } from '../state/fields.js';
import { isGroup } from '../state/groups.js';
import { NumberProp } from './inputs.js';

/**
 * How many rows each table field (items each repeating group) has in the sample: raise it to see
 * the table or group continue on an added page. Absent while the sample is not valid JSON (there
 * is nothing to count).
 */
export function SampleRows({
  fields,
  sample,
  onSample,
}: {
  fields: readonly EditorField[];
  sample: unknown;
  onSample: (text: string) => void;
}) {
  const tables = fields.filter((f) => f.type === 'table');
  if (tables.length === 0 || sample === undefined) return null;
  return (
    <div className="sample-rows prop-grid">
      {tables.map((f) => (
        <NumberProp
          key={f.key}
          label={`${isGroup(f) ? 'Items' : 'Rows'} in sample: ${f.name}`}
          value={tableRowCount(sample, f)}
          min={0}
          max={MAX_SAMPLE_ROWS}
          step={1}
          onCommit={(n) => n !== undefined && onSample(JSON.stringify(withTableRows(sample, f, n, fields), null, 2))}
        />
      ))}
    </div>
  );
}
