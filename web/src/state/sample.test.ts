import { describe, expect, it } from 'vitest';
import { DEFAULT_STYLE, makeField } from './fields.js';
import { buildSampleData, getPath, MAX_SAMPLE_ROWS, parseSample, SAMPLE_PNG, tableRowCount, withTableRows } from './sample.js';

const mk = (type: Parameters<typeof makeField>[0], bindingKey: string) => ({
  ...makeField(type, 1, { x: 0, y: 0, width: 10, height: 10 }, DEFAULT_STYLE, new Set()),
  bindingKey,
  name: bindingKey,
});

describe('buildSampleData', () => {
  it('nests dot-separated binding keys and picks a value per type', () => {
    const data = buildSampleData([
      mk('text', 'customer.name'),
      mk('number', 'invoice.total'),
      mk('checkbox', 'paid'),
      mk('dropdown', 'customer.tier'),
      mk('image', 'logo'),
      mk('date', 'invoice.date'),
    ]);
    expect(data).toMatchObject({
      customer: { name: 'Sample customer.name', tier: 'Option 1' },
      invoice: { total: 1234.5 },
      paid: true,
      logo: SAMPLE_PNG,
    });
    expect(getPath(data, 'invoice.date')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('keeps values the user already typed', () => {
    const data = buildSampleData([mk('text', 'customer.name'), mk('text', 'customer.city')], { customer: { name: 'Ada' } });
    expect(data).toEqual({ customer: { name: 'Ada', city: 'Sample customer.city' } });
  });
});

describe('table sample rows', () => {
  const table = mk('table', 'items');

  it('a new table gets three example rows with its column keys, numbers and dates by format', () => {
    const dated = {
      ...table,
      advanced: {
        ...table.advanced,
        table: {
          ...table.advanced.table!,
          columns: [
            ...table.advanced.table!.columns,
            { ...table.advanced.table!.columns[0], key: 'shipped.on', header: 'Shipped', format: 'date' as const },
          ],
        },
      },
    };
    const data = buildSampleData([dated]);
    expect(data.items).toEqual([
      { description: 'Description 1', qty: 10, price: 10, shipped: { on: '2026-01-01' } },
      { description: 'Description 2', qty: 20, price: 20, shipped: { on: '2026-01-02' } },
      { description: 'Description 3', qty: 30, price: 30, shipped: { on: '2026-01-03' } },
    ]);
  });

  it('sets the number of rows, keeping the rows already there and the rest of the sample', () => {
    const start = { customer: 'Ada', items: [{ description: 'Mine', qty: 7, price: 1 }] };
    const more = withTableRows(start, table, 40);
    expect(tableRowCount(more, table)).toBe(40);
    expect((more.items as unknown[])[0]).toEqual({ description: 'Mine', qty: 7, price: 1 });
    expect((more.items as unknown[])[1]).toEqual({ description: 'Description 2', qty: 20, price: 20 });
    expect((more.items as unknown[])[39]).toMatchObject({ description: 'Description 40' });
    expect(more.customer).toBe('Ada');
    expect(start.items).toHaveLength(1);
    expect(tableRowCount(withTableRows(more, table, 2), table)).toBe(2);
    expect((withTableRows(more, table, 2).items as unknown[])[0]).toEqual(start.items[0]);
    expect(tableRowCount(withTableRows('not an object', table, 5), table)).toBe(5);
    expect(tableRowCount(withTableRows({}, table, 1e9), table)).toBe(MAX_SAMPLE_ROWS);
    expect(tableRowCount({ items: 'x' }, table)).toBe(0);
  });

  it('reads the sample text as the panels use it', () => {
    expect(parseSample('{"a":1}', [])).toEqual({ a: 1 });
    expect(parseSample('{oops', [])).toBeUndefined();
    expect(parseSample(null, [table])).toEqual(buildSampleData([table]));
  });
});

describe('repeating group sample items', () => {
  const group = { ...makeField('group', 1, { x: 0, y: 0, width: 180, height: 72 }, DEFAULT_STYLE, new Set()) };
  const name = mk('text', 'labels.name');
  const city = mk('text', 'labels.address.city');
  const qty = mk('number', 'labels.qty');
  const other = mk('text', 'customer.name');

  it('gives the group a list of items keyed by its members’ keys, and no top-level object for them', () => {
    expect(group.bindingKey).toBe('labels');
    const data = buildSampleData([name, group, city, qty, other]);
    expect(data.labels).toEqual([
      { name: 'name 1', address: { city: 'address.city 1' }, qty: 10 },
      { name: 'name 2', address: { city: 'address.city 2' }, qty: 20 },
      { name: 'name 3', address: { city: 'address.city 3' }, qty: 30 },
    ]);
    expect(data.customer).toEqual({ name: 'Sample customer.name' });
    expect(Object.keys(data).sort()).toEqual(['customer', 'labels']);
  });

  it('keeps the user’s items, but replaces an object left by an earlier sample', () => {
    const mine = [{ name: 'Ada' }];
    expect(buildSampleData([group, name], { labels: mine }).labels).toEqual(mine);
    expect(buildSampleData([group, name], { labels: { name: 'stale' } }).labels).toHaveLength(3);
  });

  it('sets the number of items from the members, keeping the ones there', () => {
    const fields = [group, name];
    const more = withTableRows({ labels: [{ name: 'Ada' }] }, group, 12, fields);
    expect(tableRowCount(more, group)).toBe(12);
    expect((more.labels as unknown[])[0]).toEqual({ name: 'Ada' });
    expect((more.labels as unknown[])[11]).toEqual({ name: 'name 12' });
  });
});
