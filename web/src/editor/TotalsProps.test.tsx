// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { TableSpec } from '@/shared/domain/table.js';
import type { StyleRule } from '@/shared/domain/style-rules.js';
import { DEFAULT_STYLE, makeField } from '../state/fields.js';
import { PropertyPanel } from './PropertyPanel.js';

const table = makeField('table', 1, { x: 40, y: 200, width: 400, height: 160 }, DEFAULT_STYLE, new Set());
const lastTable = (fn: ReturnType<typeof vi.fn>) => (fn.mock.calls.at(-1)![0] as { advanced: { table: TableSpec } }).advanced.table;

describe('table totals and row styles', () => {
  it('a number column can be summed; totals lines are switched on and off', () => {
    const onPatch = vi.fn();
    render(<PropertyPanel field={table} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={1} />);
    const columns = within(screen.getByRole('list', { name: 'Columns' })).getAllByRole('listitem');
    expect(within(columns[0]).queryByLabelText('Sum in totals')).toBeNull();
    fireEvent.click(within(columns[1]).getByLabelText('Sum in totals'));
    expect(lastTable(onPatch).columns[1].sum).toBe(true);
    fireEvent.click(screen.getByLabelText('Total after the last row'));
    expect(lastTable(onPatch).totals).toMatchObject({ total: { label: 'Total' }, bold: true });
  });

  it('adds a row rule limited to one column, and removes it', () => {
    const onPatch = vi.fn();
    const { rerender } = render(<PropertyPanel field={table} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={1} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    const withRule = { ...table, advanced: { ...table.advanced, table: lastTable(onPatch) } };
    expect(withRule.advanced.table.rowStyles).toEqual([{ when: 'true', textColor: '#c00000' }]);
    rerender(<PropertyPanel field={withRule} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={1} />);
    const rule = within(screen.getByRole('list', { name: 'Row styles' })).getByRole('listitem');
    fireEvent.change(within(rule).getByLabelText('Cells'), { target: { value: 'qty' } });
    expect(lastTable(onPatch).rowStyles).toEqual([{ when: 'true', textColor: '#c00000', column: 'qty' }]);
    fireEvent.click(within(rule).getByRole('button', { name: 'Remove rule 1' }));
    expect(lastTable(onPatch).rowStyles).toBeUndefined();
  });

  it('a text field’s conditional style is checked on the sample data as it is typed', async () => {
    const onPatch = vi.fn();
    const text = makeField('text', 1, { x: 40, y: 40, width: 200, height: 20 }, DEFAULT_STYLE, new Set());
    const field = { ...text, advanced: { ...text.advanced, styleRules: [{ when: 'balance < 0', textColor: '#c00000' }] as StyleRule[] } };
    render(<PropertyPanel field={field} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={1} sample={{ balance: -5 }} />);
    const rules = screen.getByRole('list', { name: 'Conditional style' });
    await waitFor(() => expect(within(rules).getByText('Shown for the sample data.')).toBeTruthy());
    const when = within(rules).getByLabelText('When (JSONata)');
    fireEvent.change(when, { target: { value: 'balance <' } });
    await waitFor(() => expect(within(rules).getByRole('alert').textContent).toMatch(/Not saved/));
    fireEvent.blur(when);
    expect(onPatch).not.toHaveBeenCalled();
  });
});
