import { tableSchema, type TableColumn, type TableSpec } from '@/shared/domain/table.js';
import type { FieldAdvanced } from '@/shared/domain/field.js';
import { ContinuationProps } from './ContinuationBox.js';
import { ExpressionProp } from './ExpressionProps.js';
import { StyleRulesProps } from './StyleRulesProps.js';
import { TotalsProps } from './TotalsProps.js';
import { DateFormatProps, NumberFormatProps } from './FormatProps.js';
import { CheckProp, ColorProp, Group, NumberProp, SelectProp, TextProp } from './inputs.js';

/**
 * A table field's columns, header, rows and continuation. Each change commits the whole table
 * definition (parsed by the domain schema, so defaults are filled as the API would fill them).
 */

const rowKey = tableSchema.shape.columns.element.shape.key;

interface Props {
  table: TableSpec | undefined;
  pageCount: number;
  /** The field's box on its page (where another continuation box starts from). */
  fieldBox?: { x: number; y: number; width: number; height: number };
  /** The preview's sample data: column conditions are checked on it, row rules on its first row. */
  sample?: unknown;
  /** The table's binding key (where its sample rows are). */
  bindingKey?: string;
  onCommit: (table: FieldAdvanced['table']) => void;
}

export function TableProps({ table, pageCount, fieldBox, sample, bindingKey, onCommit }: Props) {
  const t = table ?? tableSchema.parse({ columns: [{ header: 'Column 1', key: 'column1' }] });
  const commit = (patch: Partial<TableSpec>) => onCommit(tableSchema.parse({ ...t, ...patch }));
  const column = (i: number, patch: Partial<TableColumn>) =>
    commit({ columns: t.columns.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const move = (i: number, by: number) => {
    const cols = [...t.columns];
    const [c] = cols.splice(i, 1);
    cols.splice(i + by, 0, c);
    commit({ columns: cols });
  };
  const freeKey = () => {
    for (let n = t.columns.length + 1; ; n++) if (!t.columns.some((c) => c.key === `column${n}`)) return `column${n}`;
  };
  return (
    <Group title="Table" open>
      <ol className="table-columns" aria-label="Columns">
        {t.columns.map((c, i) => (
          <li key={`${i}-${c.key}`} className="table-column" aria-label={`Column ${i + 1}`}>
            <TextProp label="Header" value={c.header} onCommit={(header) => column(i, { header })} />
            <TextProp
              label="Row key"
              value={c.key}
              placeholder="qty"
              onCommit={(key) => column(i, { key })}
              validate={(s) => (rowKey.safeParse(s).success ? null : 'Use dot-separated identifiers, such as product.name')}
            />
            <div className="prop-grid">
              <NumberProp
                label="Width (share)"
                value={c.width}
                min={0.01}
                onCommit={(width) => width !== undefined && column(i, { width })}
              />
              <SelectProp
                label="Align"
                value={c.align}
                options={['left', 'center', 'right'] as const}
                onCommit={(align) => column(i, { align })}
              />
              <SelectProp
                label="Format"
                value={c.format}
                options={['text', 'number', 'date'] as const}
                onCommit={(format) => column(i, { format })}
              />
              <CheckProp label="Required" value={c.required} onCommit={(required) => column(i, { required })} />
              {c.format === 'number' && <CheckProp label="Sum in totals" value={c.sum} onCommit={(sum) => column(i, { sum })} />}
            </div>
            <ExpressionProp
              kind="condition"
              label="Show column only when (JSONata)"
              placeholder='customer.country = "DE"'
              value={c.condition ?? ''}
              sample={sample}
              onCommit={(condition) => column(i, { condition: condition || undefined })}
            />
            {c.format === 'number' && <NumberFormatProps value={c.number} onCommit={(number) => column(i, { number })} />}
            {c.format === 'date' && <DateFormatProps value={c.date} onCommit={(date) => column(i, { date })} />}
            <div className="button-row">
              <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move column ${i + 1} left`}>
                ←
              </button>
              <button
                type="button"
                disabled={i === t.columns.length - 1}
                onClick={() => move(i, 1)}
                aria-label={`Move column ${i + 1} right`}
              >
                →
              </button>
              <button
                type="button"
                disabled={t.columns.length === 1}
                onClick={() => commit({ columns: t.columns.filter((_, j) => j !== i) })}
                aria-label={`Remove column ${i + 1}`}
              >
                Remove
              </button>
            </div>
          </li>
        ))}
      </ol>
      <button
        type="button"
        disabled={t.columns.length >= 50}
        onClick={() => {
          const key = freeKey();
          commit({
            columns: [
              ...t.columns,
              { header: `Column ${t.columns.length + 1}`, key, width: 1, align: 'left', format: 'text', required: false, sum: false },
            ],
          });
        }}
      >
        Add column
      </button>
      <CheckProp label="Header row" value={t.header.show} onCommit={(show) => commit({ header: { ...t.header, show } })} />
      <CheckProp
        label="Repeat header on continuation pages"
        value={t.header.repeat}
        onCommit={(repeat) => commit({ header: { ...t.header, repeat } })}
      />
      <ColorProp
        label="Header background"
        value={t.header.backgroundColor}
        onCommit={(backgroundColor) => commit({ header: { ...t.header, backgroundColor } })}
      />
      <ColorProp label="Stripe rows" value={t.stripeColor} onCommit={(stripeColor) => commit({ stripeColor })} />
      <CheckProp label="Wrap cell text (rows grow)" value={t.wrap} onCommit={(wrap) => commit({ wrap })} />
      <div className="prop-grid">
        <NumberProp
          label="Cell padding (pt)"
          value={t.cellPadding}
          min={0}
          onCommit={(cellPadding) => cellPadding !== undefined && commit({ cellPadding })}
        />
        <NumberProp
          label="Border (pt)"
          value={t.borderWidth}
          min={0}
          onCommit={(borderWidth) => borderWidth !== undefined && commit({ borderWidth })}
        />
        <NumberProp label="Max rows" value={t.maxRows} min={1} optional onCommit={(maxRows) => commit({ maxRows })} />
      </div>
      <ContinuationProps
        value={t.continuation}
        pageCount={pageCount}
        fieldBox={fieldBox}
        onCommit={(continuation) => commit({ continuation })}
      />
      <p className="hint">
        Rows that do not fit continue on pages added after this one; fields marked “Repeat on continuation pages” are drawn there too.
      </p>
      <TotalsProps table={t} onCommit={(totals) => commit({ totals })} />
      <StyleRulesProps
        title="Row styles"
        rules={t.rowStyles}
        sample={firstRow(sample, bindingKey)}
        placeholder="qty * price > 1000"
        columns={t.columns}
        onCommit={(rowStyles) => commit({ rowStyles })}
      />
    </Group>
  );
}

/** The first row of the table's sample rows (row rules are conditions over one row). */
function firstRow(sample: unknown, bindingKey: string | undefined): unknown {
  if (!bindingKey || sample === null || typeof sample !== 'object') return {};
  let v: unknown = sample;
  for (const part of bindingKey.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return Array.isArray(v) && v.length > 0 ? v[0] : {};
}
