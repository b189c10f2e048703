import { describe, expect, it } from 'vitest';
import { DEFAULT_STYLE, makeField } from './fields.js';
import { buildSampleData, getPath, SAMPLE_PNG } from './sample.js';

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
