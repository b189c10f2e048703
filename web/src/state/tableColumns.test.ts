import { describe, expect, it } from 'vitest';
import { columnShares, dividerShares, MIN_COLUMN_SHARE, moveDivider, nudgeDivider } from './tableColumns.js';

describe('table column weights', () => {
  it('puts the dividers at the running share of the weights', () => {
    expect(dividerShares([3, 1, 1])).toEqual([0.6, 0.8]);
    expect(columnShares([3, 1, 1])).toEqual([0.6, 0.2, 0.2]);
    expect(dividerShares([2])).toEqual([]);
  });

  it('a dragged divider trades width between its two columns only, keeping the sum of the weights', () => {
    const w = moveDivider([3, 1, 1], 0, 0.4);
    expect(w).toEqual([2, 2, 1]);
    expect(dividerShares(w)[0]).toBeCloseTo(0.4, 5);
    // The second divider moved left by 10 % of the width: column 2 gives it to column 3.
    const w2 = moveDivider([3, 1, 1], 1, 0.7);
    expect(w2).toEqual([3, 0.5, 1.5]);
    expect(w2.reduce((s, x) => s + x, 0)).toBe(5);
  });

  it('stops a divider short of its neighbours, so no column disappears', () => {
    const w = moveDivider([1, 1, 1], 1, 0.1);
    const shares = columnShares(w);
    expect(shares[0]).toBeCloseTo(1 / 3, 5);
    expect(shares[1]).toBeCloseTo(MIN_COLUMN_SHARE, 2);
    const right = columnShares(moveDivider([1, 1], 0, 1.5));
    expect(right[1]).toBeCloseTo(MIN_COLUMN_SHARE, 2);
    expect(moveDivider([1, 1], 5, 0.5)).toEqual([1, 1]);
  });

  it('steps by one percent of the width from the keyboard', () => {
    expect(nudgeDivider([1, 1], 0, 1)).toEqual([1.02, 0.98]);
    expect(nudgeDivider([1, 1], 0, -10)).toEqual([0.8, 1.2]);
  });
});
