// @vitest-environment jsdom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { GroupSpec } from '@/shared/domain/group.js';
import { DEFAULT_STYLE, makeField, type EditorField } from '../state/fields.js';
import { PropertyPanel } from './PropertyPanel.js';

const group = makeField('group', 1, { x: 40, y: 40, width: 180, height: 72 }, DEFAULT_STYLE, new Set());
const member = (bindingKey: string, x: number, y: number): EditorField => ({
  ...makeField('text', 1, { x, y, width: 100, height: 20 }, DEFAULT_STYLE, new Set()),
  bindingKey,
  name: bindingKey.replace('.', '-'),
});
const name = member('labels.name', 50, 50);
const city = member('labels.address.city', 300, 50);
const lastGroup = (fn: ReturnType<typeof vi.fn>) => (fn.mock.calls.at(-1)![0] as { advanced: { group: GroupSpec } }).advanced.group;

describe('GroupProps', () => {
  it('shows the group’s grid instead of the table editor, and commits each setting', () => {
    const onPatch = vi.fn();
    render(<PropertyPanel field={group} fields={[group, name]} selectionCount={1} issues={[]} onPatch={onPatch} pageCount={2} />);
    expect(screen.getByRole('heading', { name: 'Repeating group field' })).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'Columns' })).toBeNull();
    const across = screen.getByLabelText('Cells across');
    expect((across as HTMLInputElement).value).toBe('2');
    fireEvent.change(across, { target: { value: '3' } });
    fireEvent.blur(across);
    expect(lastGroup(onPatch)).toEqual({ across: 3, down: 4, gapX: 10, gapY: 10, order: 'across', continuation: { page: 'same' } });
    const gapY = screen.getByLabelText('Gap down (pt)');
    fireEvent.change(gapY, { target: { value: '0' } });
    fireEvent.blur(gapY);
    expect(lastGroup(onPatch).gapY).toBe(0);
    fireEvent.change(screen.getByLabelText('Fill order'), { target: { value: 'down' } });
    expect(lastGroup(onPatch).order).toBe('down');
    const max = screen.getByLabelText('Max items');
    fireEvent.change(max, { target: { value: '40' } });
    fireEvent.blur(max);
    expect(lastGroup(onPatch).maxItems).toBe(40);
    const select = screen.getByLabelText('Continues on') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual([
      'A copy of this page',
      'A copy of page 1',
      'A copy of page 2',
      'A blank page',
    ]);
    fireEvent.change(select, { target: { value: '2' } });
    expect(lastGroup(onPatch).continuation.page).toBe(2);
    fireEvent.click(screen.getByLabelText('Another box on continuation pages'));
    expect(lastGroup(onPatch).continuation.box).toEqual({ x: 40, y: 40, width: 180, height: 72 });
    // Only the group changes: no columns appear (the API refuses a group with columns).
    expect(onPatch.mock.calls.every(([p]) => (p as { advanced: { table?: unknown } }).advanced.table === undefined)).toBe(true);
  });

  it('keeps whole numbers of cells and items, and a cleared max items means the service bound', () => {
    const onPatch = vi.fn();
    const bounded = { ...group, advanced: { ...group.advanced, group: { ...group.advanced.group!, maxItems: 40 } } };
    render(<PropertyPanel field={bounded} fields={[bounded]} selectionCount={1} issues={[]} onPatch={onPatch} />);
    const down = screen.getByLabelText('Cells down');
    fireEvent.change(down, { target: { value: '2.6' } });
    fireEvent.blur(down);
    expect(lastGroup(onPatch).down).toBe(3);
    const max = screen.getByLabelText('Max items');
    fireEvent.change(max, { target: { value: '' } });
    fireEvent.blur(max);
    expect(lastGroup(onPatch).maxItems).toBeUndefined();
  });

  it('lists its members by their key inside an item, and says which lie outside the cell', () => {
    render(<PropertyPanel field={group} fields={[name, group, city]} selectionCount={1} issues={[]} onPatch={() => undefined} />);
    const items = within(screen.getByRole('list', { name: 'Members' })).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      'name (labels-name)',
      'address.city (labels-address.city) — outside the cell: move it inside',
    ]);
    expect(screen.getByText(/To add one, bind a field to labels\.name/)).toBeTruthy();
  });

  it('says how to add a member while it has none, and when the grid leaves the page', () => {
    render(
      <PropertyPanel
        field={group}
        fields={[group]}
        selectionCount={1}
        issues={[]}
        onPatch={() => undefined}
        pageSize={{ width: 300, height: 842 }}
      />,
    );
    expect(screen.getByTestId('group-no-members').textContent).toBe(
      'No members yet: bind a field to labels.name and place it inside the cell.',
    );
    // 2 cells of 180 pt with a 10 pt gap from x = 40 end at 410.
    expect(screen.getByTestId('group-grid-overflow').textContent).toMatch(/^The grid ends 110 pt beyond the page’s right edge:/);
  });
});

describe('GroupMembership', () => {
  it('tells a member which group draws it with which key, and warns while it lies outside the cell', () => {
    const { rerender } = render(
      <PropertyPanel field={name} fields={[group, name]} selectionCount={1} issues={[]} onPatch={() => undefined} />,
    );
    expect(screen.getByTestId('group-membership').textContent).toBe(
      'Member of the repeating group “labels”: drawn once per item, with each item’s “name”.',
    );
    rerender(<PropertyPanel field={city} fields={[group, city]} selectionCount={1} issues={[]} onPatch={() => undefined} />);
    expect(screen.getByTestId('group-membership').textContent).toMatch(/“address\.city”\. It lies outside the group’s cell/);
    rerender(<PropertyPanel field={group} fields={[group, city]} selectionCount={1} issues={[]} onPatch={() => undefined} />);
    expect(screen.queryByTestId('group-membership')).toBeNull();
  });
});
