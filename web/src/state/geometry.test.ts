import { describe, expect, it } from 'vitest';
import { boundsOf, clampToPage, clientToPage, intersects, MIN_FIELD_SIZE, ptToPx, pxToPt, rectFromPoints, resizeRect } from './geometry.js';

describe('px ↔ pt with zoom', () => {
  it('round-trips through zoom', () => {
    expect(ptToPx(72, 1.5)).toBe(108);
    expect(pxToPt(108, 1.5)).toBe(72);
    expect(pxToPt(ptToPx(123.45, 0.75), 0.75)).toBeCloseTo(123.45, 10);
  });

  it('maps a client point to page points relative to the page origin', () => {
    expect(clientToPage({ x: 250, y: 130 }, { x: 50, y: 30 }, 2)).toEqual({ x: 100, y: 50 });
  });
});

describe('rects', () => {
  it('clamps into the page and enforces a minimum size', () => {
    expect(clampToPage({ x: -10, y: 790, width: 50, height: 20 }, { width: 612, height: 792 })).toEqual({
      x: 0,
      y: 772,
      width: 50,
      height: 20,
    });
    expect(clampToPage({ x: 10, y: 10, width: 1, height: 0.5 }, { width: 612, height: 792 })).toEqual({
      x: 10,
      y: 10,
      width: MIN_FIELD_SIZE,
      height: MIN_FIELD_SIZE,
    });
  });

  it('computes bounds, intersection and rubber-band rects', () => {
    expect(boundsOf([])).toBeNull();
    expect(
      boundsOf([
        { x: 10, y: 10, width: 10, height: 10 },
        { x: 50, y: 0, width: 5, height: 40 },
      ]),
    ).toEqual({ x: 10, y: 0, width: 45, height: 40 });
    expect(intersects({ x: 0, y: 0, width: 10, height: 10 }, { x: 9, y: 9, width: 5, height: 5 })).toBe(true);
    expect(intersects({ x: 0, y: 0, width: 10, height: 10 }, { x: 10, y: 0, width: 5, height: 5 })).toBe(false);
    expect(rectFromPoints({ x: 30, y: 5 }, { x: 10, y: 25 })).toEqual({ x: 10, y: 5, width: 20, height: 20 });
  });
});

describe('resizeRect', () => {
  const r = { x: 100, y: 100, width: 80, height: 40 };

  it('moves only the dragged edges', () => {
    expect(resizeRect(r, 'se', 20, 10, false)).toEqual({ x: 100, y: 100, width: 100, height: 50 });
    expect(resizeRect(r, 'nw', 10, 10, false)).toEqual({ x: 110, y: 110, width: 70, height: 30 });
    expect(resizeRect(r, 'e', 5, 99, false)).toEqual({ x: 100, y: 100, width: 85, height: 40 });
  });

  it('keeps proportions when locked, anchoring the opposite corner', () => {
    const out = resizeRect(r, 'se', 40, 0, true);
    expect(out.width / out.height).toBeCloseTo(2, 10);
    expect(out).toEqual({ x: 100, y: 100, width: 120, height: 60 });
    const nw = resizeRect(r, 'nw', -40, 0, true);
    expect(nw.x + nw.width).toBeCloseTo(180);
    expect(nw.y + nw.height).toBeCloseTo(140);
    expect(nw.width / nw.height).toBeCloseTo(2, 10);
  });

  it('never goes below the minimum size, even when dragged past the opposite edge', () => {
    const out = resizeRect(r, 'w', 200, 0, false);
    expect(out.width).toBe(MIN_FIELD_SIZE);
    expect(out.x + out.width).toBe(180);
  });
});
