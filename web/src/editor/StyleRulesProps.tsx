import type { RowStyleRule, StyleRule } from '@/shared/domain/style-rules.js';
import type { TableSpec } from '@/shared/domain/table.js';
import { ExpressionProp } from './ExpressionProps.js';
import { CheckProp, ColorProp, Group, SelectProp } from './inputs.js';

/**
 * Conditional styles: a field's style rules ("red when balance < 0"), and a table's row rules
 * (each row's condition, optionally for one column's cells). Each rule is a JSONata condition
 * checked as it is typed, like the field's own condition, and the style it sets when it holds.
 */

type Rule = StyleRule & Partial<Pick<RowStyleRule, 'column'>>;

interface Props<R extends Rule> {
  title: string;
  rules: readonly R[] | undefined;
  /** What a condition is computed from in the live check (the sample data, or a sample row). */
  sample: unknown;
  placeholder: string;
  /** Table rules: the columns a rule may be limited to. */
  columns?: TableSpec['columns'];
  onCommit: (rules: R[] | undefined) => void;
}

export function StyleRulesProps<R extends Rule>({ title, rules = [], sample, placeholder, columns, onCommit }: Props<R>) {
  const commit = (next: R[]) => onCommit(next.length > 0 ? next : undefined);
  const rule = (i: number, patch: Partial<Rule>) => commit(rules.map((r, j) => (j === i ? ({ ...r, ...patch } as R) : r)));
  return (
    <Group title={title} open={rules.length > 0}>
      <ol className="style-rules" aria-label={title}>
        {rules.map((r, i) => (
          <li key={i} aria-label={`Rule ${i + 1}`}>
            <ExpressionProp
              kind="condition"
              label="When (JSONata)"
              placeholder={placeholder}
              value={r.when}
              sample={sample}
              onCommit={(when) => when && rule(i, { when })}
            />
            {columns && (
              <SelectProp
                label="Cells"
                value={r.column ?? ''}
                options={[
                  { value: '', label: 'The whole row' },
                  ...columns.map((c) => ({ value: c.key, label: `Column ${c.header || c.key}` })),
                ]}
                onCommit={(column) => rule(i, { column: column || undefined })}
              />
            )}
            <div className="prop-grid">
              <ColorProp label="Text colour" value={r.textColor ?? '#000000'} onCommit={(textColor) => rule(i, { textColor })} />
              <ColorProp
                label="Background"
                value={r.backgroundColor ?? 'transparent'}
                onCommit={(backgroundColor) => rule(i, { backgroundColor })}
              />
              <CheckProp label="Bold" value={r.bold ?? false} onCommit={(bold) => rule(i, { bold })} />
            </div>
            <button type="button" onClick={() => commit(rules.filter((_, j) => j !== i))} aria-label={`Remove rule ${i + 1}`}>
              Remove rule
            </button>
          </li>
        ))}
      </ol>
      <button type="button" disabled={rules.length >= 20} onClick={() => commit([...rules, { when: 'true', textColor: '#c00000' } as R])}>
        Add rule
      </button>
      <p className="hint">Rules apply in order; a later one that holds overrides an earlier one.</p>
    </Group>
  );
}
