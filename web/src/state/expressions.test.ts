import { describe, expect, it } from 'vitest';
import { checkExpression, describeValue, parseProblem } from './expressions.js';

const sample = {
  customer: { country: 'DE', first: 'Ada', last: 'Lovelace' },
  items: [
    { qty: 2, price: 10 },
    { qty: 1, price: 5.5 },
  ],
};

describe('expression checks on the sample data', () => {
  it('computes a value from the sample, as plain JSON', async () => {
    expect(await checkExpression('$sum(items.(qty * price))', 'expression', sample)).toEqual({ state: 'value', value: 25.5 });
    expect(await checkExpression('customer.first & " " & customer.last', 'expression', sample)).toEqual({
      state: 'value',
      value: 'Ada Lovelace',
    });
    // A one-item JSONata sequence is the item, as the engine hands it to the renderer.
    expect(await checkExpression('items[0].qty', 'expression', sample)).toEqual({ state: 'value', value: 2 });
    expect(await checkExpression('items.qty', 'expression', sample)).toEqual({ state: 'value', value: [2, 1] });
    expect(await checkExpression('missing.key', 'expression', sample)).toEqual({ state: 'value', value: undefined });
    expect(await checkExpression('  ', 'expression', sample)).toEqual({ state: 'empty' });
  });

  it('says whether a condition shows the field for the sample', async () => {
    expect(await checkExpression('customer.country = "DE"', 'condition', sample)).toEqual({ state: 'shown' });
    expect(await checkExpression('customer.country = "FR"', 'condition', sample)).toEqual({ state: 'hidden' });
    expect(await checkExpression('$count(items) > 5', 'condition', sample)).toEqual({ state: 'hidden' });
    expect(await checkExpression('customer.country = "DE"', 'condition', {})).toEqual({ state: 'hidden' });
  });

  it('gives a parse error with JSONata’s code and position', async () => {
    const r = await checkExpression('$sum(items.(qty * ))', 'expression', sample);
    expect(r.state).toBe('invalid');
    expect(r).toMatchObject({ position: expect.any(Number) });
    expect((r as { message: string }).message).toMatch(/\(S0\d+, at position \d+\)/);
    expect(await parseProblem('1 +')).toMatchObject({ state: 'invalid' });
    expect(await parseProblem('1 + 1')).toBeNull();
    expect(await parseProblem('')).toBeNull();
  });

  it('refuses what the server refuses: the clock, randomness, $eval and regex literals', async () => {
    for (const [src, code] of [
      ['$now()', 'refused_function'],
      ['$random() > 0.5', 'refused_function'],
      ['$eval("1+1")', 'refused_function'],
      ['$contains(customer.first, /A/)', 'refused_regex'],
    ] as const) {
      const r = await checkExpression(src, 'expression', sample);
      expect(r.state, src).toBe('invalid');
      expect((r as { message: string }).message, src).toContain(code);
    }
  });

  it('reports an expression that fails on the sample data as the server would', async () => {
    const r = await checkExpression('"four" * 2', 'expression', sample);
    expect(r.state).toBe('failed');
    expect((r as { message: string }).message).toMatch(/T2001/);
  });

  it('describes values briefly', () => {
    expect(describeValue(25.5)).toBe('25.5');
    expect(describeValue('Ada')).toBe('"Ada"');
    expect(describeValue(undefined)).toMatch(/no value/);
    expect(describeValue('x'.repeat(500), 20)).toHaveLength(20);
  });
});
