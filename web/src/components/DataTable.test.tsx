// @vitest-environment jsdom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { DataTable, type Column } from './DataTable.js';

interface Row {
  id: string;
  name: string;
}
const columns: Column<Row>[] = [
  { header: 'Name', cell: (r) => r.name },
  { header: 'Actions', hideHeader: true, cell: (r) => <button type="button">Edit {r.name}</button> },
];

describe('DataTable', () => {
  it('renders a captioned table with one row per item and screen-reader-only headers', () => {
    render(
      <DataTable
        caption="Things"
        columns={columns}
        rows={[
          { id: '1', name: 'Ada' },
          { id: '2', name: 'Grace' },
        ]}
        rowKey={(r) => r.id}
        empty="None"
      />,
    );
    const table = screen.getByRole('table', { name: 'Things' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[0]).getByText('Actions').className).toBe('visually-hidden');
    expect(within(rows[2]).getByRole('button', { name: 'Edit Grace' })).toBeTruthy();
    expect(screen.queryByText('None')).toBeNull();
    expect(screen.queryByRole('navigation')).toBeNull();
  });

  it('shows the empty state across all columns, nothing before data, and a loading row while loading', () => {
    const { rerender } = render(<DataTable caption="Things" columns={columns} rows={null} rowKey={(r) => r.id} empty="None yet" />);
    expect(screen.getAllByRole('row')).toHaveLength(1);
    rerender(<DataTable caption="Things" columns={columns} rows={null} rowKey={(r) => r.id} empty="None yet" loading />);
    expect(screen.getByRole('status').textContent).toBe('Loading…');
    rerender(<DataTable caption="Things" columns={columns} rows={[]} rowKey={(r) => r.id} empty="None yet" />);
    const cell = screen.getByText('None yet');
    expect(cell.getAttribute('colspan')).toBe('2');
  });

  it('pages with Previous/Next, disabled at the ends, and says where the user is', () => {
    const onPrevious = vi.fn();
    const onNext = vi.fn();
    const paging = { label: 'Pages of things', page: 1, totalPages: 3, hasNext: true, onPrevious, onNext };
    const { rerender } = render(
      <DataTable caption="Things" columns={columns} rows={[]} rowKey={(r) => r.id} empty="None" paging={paging} />,
    );
    const nav = screen.getByRole('navigation', { name: 'Pages of things' });
    expect(nav.textContent).toContain('Page 1 of 3');
    expect((within(nav).getByRole('button', { name: 'Previous' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(nav).getByRole('button', { name: 'Next' }));
    expect(onNext).toHaveBeenCalledOnce();
    rerender(
      <DataTable
        caption="Things"
        columns={columns}
        rows={[]}
        rowKey={(r) => r.id}
        empty="None"
        paging={{ ...paging, page: 2, totalPages: undefined, hasNext: false }}
      />,
    );
    expect(screen.getByRole('navigation').textContent).toContain('Page 2');
    expect(screen.getByRole('navigation').textContent).not.toContain(' of ');
    expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Previous' }));
    expect(onPrevious).toHaveBeenCalledOnce();
  });
});
