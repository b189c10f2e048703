// @vitest-environment jsdom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { TableSpec } from '@/shared/domain/table.js';
import { DEFAULT_STYLE, makeField } from '../state/fields.js';
import { PropertyPanel } from './PropertyPanel.js';

const table = makeField('table', 1, { x: 40, y: 200, width: 400, height: 160 }, DEFAULT_STYLE, new Set());
const lastTable = (fn: ReturnType<typeof vi.fn>) => (fn.mock.calls.at(-1)![0] as { advanced: { table: TableSpec } }).advanced.table;

describe('table properties', () => {
  it('a new table starts with line-item columns; a column can be renamed, re-keyed, reformatted, moved, added and removed', () => {
    const onPatch = vi.fn();
    render(<PropertyPanel field={table} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={2} />);
    const columns = within(screen.getByRole('list', { name: 'Columns' })).getAllByRole('listitem');
    expect(columns.map((c) => (within(c).getByLabelText('Row key') as HTMLInputElement).value)).toEqual(['description', 'qty', 'price']);

    const header = within(columns[1]).getByLabelText('Header');
    fireEvent.change(header, { target: { value: 'Quantity' } });
    fireEvent.blur(header);
    expect(lastTable(onPatch).columns[1]).toMatchObject({ header: 'Quantity', key: 'qty', format: 'number' });

    const key = within(columns[0]).getByLabelText('Row key');
    fireEvent.change(key, { target: { value: 'not a key!' } });
    fireEvent.blur(key);
    expect(screen.getByText('Use dot-separated identifiers, such as product.name')).toBeTruthy();
    const calls = onPatch.mock.calls.length;

    fireEvent.change(within(columns[0]).getByLabelText('Format'), { target: { value: 'date' } });
    expect(onPatch.mock.calls.length).toBe(calls + 1);
    expect(lastTable(onPatch).columns[0].format).toBe('date');

    fireEvent.click(screen.getByRole('button', { name: 'Move column 3 left' }));
    expect(lastTable(onPatch).columns.map((c) => c.key)).toEqual(['description', 'price', 'qty']);
    fireEvent.click(screen.getByRole('button', { name: 'Add column' }));
    expect(lastTable(onPatch).columns.map((c) => c.key)).toEqual(['description', 'qty', 'price', 'column4']);
    fireEvent.click(screen.getByRole('button', { name: 'Remove column 1' }));
    expect(lastTable(onPatch).columns.map((c) => c.key)).toEqual(['qty', 'price']);
  });

  it('a number column prints with its own decimals and currency, a date column with its own pattern', () => {
    const onPatch = vi.fn();
    render(<PropertyPanel field={table} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={1} />);
    const columns = within(screen.getByRole('list', { name: 'Columns' })).getAllByRole('listitem');
    // Description is text (no format inputs); Price starts with two decimals.
    expect(within(columns[0]).queryByLabelText('Decimals')).toBeNull();
    expect((within(columns[2]).getByLabelText('Decimals') as HTMLInputElement).value).toBe('2');
    const currency = within(columns[2]).getByLabelText('Currency');
    fireEvent.change(currency, { target: { value: 'eur' } });
    fireEvent.blur(currency);
    expect(lastTable(onPatch).columns[2].number).toEqual({ locale: 'en-US', decimals: 2, currency: 'EUR' });
    fireEvent.change(currency, { target: { value: 'euro' } });
    fireEvent.blur(currency);
    expect(within(columns[2]).getByText('Three letters, e.g. EUR')).toBeTruthy();
  });

  it('a date column has a pattern and a time zone', () => {
    const onPatch = vi.fn();
    const dated = {
      ...table,
      advanced: {
        ...table.advanced,
        table: { ...table.advanced.table!, columns: [{ ...table.advanced.table!.columns[0], format: 'date' as const }] },
      },
    };
    render(<PropertyPanel field={dated} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={1} />);
    const column = within(screen.getByRole('list', { name: 'Columns' })).getAllByRole('listitem')[0];
    const pattern = within(column).getByLabelText('Pattern');
    expect((pattern as HTMLInputElement).value).toBe('yyyy-MM-dd');
    fireEvent.change(pattern, { target: { value: 'dd MMM yyyy' } });
    fireEvent.blur(pattern);
    expect(lastTable(onPatch).columns[0].date).toEqual({ pattern: 'dd MMM yyyy', timezone: 'UTC', locale: 'en-US' });
  });

  it('chooses the continuation page among this page, each page of the PDF and a blank page', () => {
    const onPatch = vi.fn();
    render(<PropertyPanel field={table} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={2} />);
    const select = screen.getByLabelText('Continues on') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual([
      'A copy of this page',
      'A copy of page 1',
      'A copy of page 2',
      'A blank page',
    ]);
    fireEvent.change(select, { target: { value: '2' } });
    expect(lastTable(onPatch).continuation.page).toBe(2);
    fireEvent.change(select, { target: { value: 'blank' } });
    expect(lastTable(onPatch).continuation.page).toBe('blank');
  });

  it('puts the table in another box on continuation pages, starting from its own box, and back', () => {
    const onPatch = vi.fn();
    const { rerender } = render(<PropertyPanel field={table} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={1} />);
    expect(screen.queryByLabelText('Box Y (pt)')).toBeNull();
    fireEvent.click(screen.getByLabelText('Another box on continuation pages'));
    expect(lastTable(onPatch).continuation.box).toEqual({ x: 40, y: 200, width: 400, height: 160 });
    const moved = { ...table, advanced: { ...table.advanced, table: lastTable(onPatch) } };
    rerender(<PropertyPanel field={moved} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={1} />);
    const y = screen.getByLabelText('Box Y (pt)');
    fireEvent.change(y, { target: { value: '60' } });
    fireEvent.blur(y);
    expect(lastTable(onPatch).continuation).toEqual({ page: 'same', box: { x: 40, y: 60, width: 400, height: 160 } });
    fireEvent.click(screen.getByLabelText('Another box on continuation pages'));
    expect(lastTable(onPatch).continuation).toEqual({ page: 'same' });
  });

  it('other fields can repeat on continuation pages, and text fields can print page numbers', () => {
    const onPatch = vi.fn();
    const text = makeField('text', 1, { x: 10, y: 10, width: 100, height: 20 }, DEFAULT_STYLE, new Set());
    render(<PropertyPanel field={text} selectionCount={1} issues={[]} onPatch={onPatch} />);
    expect(screen.queryByRole('list', { name: 'Columns' })).toBeNull();
    fireEvent.click(screen.getByLabelText('Repeat on continuation pages'));
    expect(onPatch.mock.calls.at(-1)![0].advanced.repeatOnContinuation).toBe(true);
    const pn = screen.getByLabelText('Page number text');
    fireEvent.change(pn, { target: { value: 'Page {page} of {pages}' } });
    fireEvent.blur(pn);
    expect(onPatch.mock.calls.at(-1)![0].advanced.pageNumber).toBe('Page {page} of {pages}');
  });
});
