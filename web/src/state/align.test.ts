import { describe, expect, it } from 'vitest';
import { align, distribute } from './align.js';

const rects = [
  { x: 10, y: 10, width: 20, height: 10 },
  { x: 50, y: 30, width: 40, height: 20 },
  { x: 30, y: 80, width: 10, height: 10 },
];

describe('align', () => {
  it('aligns to the selection bounds on each side', () => {
    expect(align(rects, 'left').map((r) => r.x)).toEqual([10, 10, 10]);
    expect(align(rects, 'right').map((r) => r.x + r.width)).toEqual([90, 90, 90]);
    expect(align(rects, 'top').map((r) => r.y)).toEqual([10, 10, 10]);
    expect(align(rects, 'bottom').map((r) => r.y + r.height)).toEqual([90, 90, 90]);
    expect(align(rects, 'hcenter').map((r) => r.x + r.width / 2)).toEqual([50, 50, 50]);
    expect(align(rects, 'vcenter').map((r) => r.y + r.height / 2)).toEqual([50, 50, 50]);
  });

  it('leaves a single rect alone and does not mutate its input', () => {
    expect(align([rects[0]], 'right')).toEqual([rects[0]]);
    align(rects, 'left');
    expect(rects[1].x).toBe(50);
  });
});

describe('distribute', () => {
  it('makes the gaps equal, keeping the outer ones in place and the input order', () => {
    const out = distribute(rects, 'horizontal');
    // by x: #0 (10..30), #2 (30..40), #1 (50..90): span 80, widths 70, gap 5
    expect(out[0].x).toBe(10);
    expect(out[2].x).toBe(35);
    expect(out[1].x).toBe(50);
    const v = distribute(rects, 'vertical');
    const sorted = [...v].sort((a, b) => a.y - b.y);
    const gaps = sorted.slice(1).map((r, i) => r.y - (sorted[i].y + sorted[i].height));
    expect(gaps[0]).toBeCloseTo(gaps[1], 10);
    expect(sorted[0].y).toBe(10);
    expect(sorted[2].y + sorted[2].height).toBe(90);
  });

  it('needs three rects', () => {
    expect(distribute(rects.slice(0, 2), 'horizontal')).toEqual(rects.slice(0, 2));
  });
});
