import type { TableSpec, TableTotals } from '@/shared/domain/table.js';
import { CheckProp, ColorProp, Group, TextProp } from './inputs.js';

/** A table's subtotal, carry-forward and total lines (sums of the columns marked "Sum"). */
export function TotalsProps({ table, onCommit }: { table: TableSpec; onCommit: (totals: TableTotals | undefined) => void }) {
  const t = table.totals;
  const summed = table.columns.filter((c) => c.sum).length;
  const base: TableTotals = t ?? { bold: true, textColor: '#000000', backgroundColor: 'transparent' };
  const commit = (patch: Partial<TableTotals>) => {
    const next = { ...base, ...patch };
    onCommit(next.subtotal || next.carryForward || next.total ? next : undefined);
  };
  return (
    <Group title="Totals" open={t !== undefined}>
      {summed === 0 && <p className="hint">Mark a number column “Sum in totals” to print its sums.</p>}
      <CheckProp
        label="Subtotal at the bottom of each page"
        value={t?.subtotal !== undefined}
        onCommit={(on) => commit({ subtotal: on ? { label: 'Subtotal' } : undefined })}
      />
      <CheckProp
        label="Carried forward / brought forward"
        value={t?.carryForward !== undefined}
        onCommit={(on) => commit({ carryForward: on ? { label: 'Carried forward', broughtForwardLabel: 'Brought forward' } : undefined })}
      />
      <CheckProp
        label="Total after the last row"
        value={t?.total !== undefined}
        onCommit={(on) => commit({ total: on ? { label: 'Total' } : undefined })}
      />
      {t?.total && <TextProp label="Total label" value={t.total.label} onCommit={(label) => commit({ total: { label } })} />}
      {t && (
        <>
          <CheckProp label="Bold totals" value={t.bold} onCommit={(bold) => commit({ bold })} />
          <ColorProp label="Totals background" value={t.backgroundColor} onCommit={(backgroundColor) => commit({ backgroundColor })} />
        </>
      )}
    </Group>
  );
}
