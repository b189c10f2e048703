import { describe, expect, it } from 'vitest';
import { computeDraw, computeMove, computeResize } from './gestures.js';

const page = { width: 600, height: 800 };

describe('computeMove', () => {
  const start = new Map([
    ['a', { x: 100, y: 100, width: 50, height: 20 }],
    ['b', { x: 200, y: 150, width: 50, height: 20 }],
  ]);

  it('moves the whole selection by the pointer delta', () => {
    const r = computeMove(start, 'a', { x: 10, y: 5 }, [], page, null);
    expect(r.rects.get('a')).toMatchObject({ x: 110, y: 105 });
    expect(r.rects.get('b')).toMatchObject({ x: 210, y: 155 });
  });

  it('snaps the dragged field and the others follow it', () => {
    const r = computeMove(start, 'a', { x: 27, y: 0 }, [{ x: 130, y: 400, width: 10, height: 10 }], page, { threshold: 4 });
    expect(r.rects.get('a')!.x).toBe(130);
    expect(r.rects.get('b')!.x).toBe(230);
    expect(r.guides).toEqual([{ axis: 'x', pos: 130 }]);
  });

  it('stops the selection at the page edges', () => {
    const r = computeMove(start, 'a', { x: -500, y: 5000 }, [], page, null);
    expect(r.rects.get('a')).toMatchObject({ x: 0 });
    expect(r.rects.get('b')!.y + 20).toBe(800);
  });
});

describe('computeResize', () => {
  it('resizes with grid snapping of the moved edges', () => {
    const r = computeResize({ x: 10, y: 10, width: 100, height: 20 }, 'se', { x: 13, y: 3 }, false, [], page, { threshold: 2, grid: 5 });
    expect(r.rect).toEqual({ x: 10, y: 10, width: 115, height: 25 });
  });

  it('keeps proportions when locked (no snapping that would break them)', () => {
    const r = computeResize({ x: 10, y: 10, width: 40, height: 40 }, 'se', { x: 21, y: 2 }, true, [], page, { threshold: 2, grid: 5 });
    expect(r.rect.width).toBe(r.rect.height);
    expect(r.rect.width).toBe(61);
  });
});

describe('computeDraw', () => {
  it('draws a box from the press point in any direction', () => {
    expect(computeDraw({ x: 100, y: 100 }, { x: 200, y: 50 }, false, [], page, null).rect).toEqual({
      x: 100,
      y: 100,
      width: 200,
      height: 50,
    });
    expect(computeDraw({ x: 300, y: 300 }, { x: -100, y: -40 }, false, [], page, null).rect).toEqual({
      x: 200,
      y: 260,
      width: 100,
      height: 40,
    });
  });

  it('snaps the moving corner to the grid, and keeps the box on the page', () => {
    expect(computeDraw({ x: 100, y: 100 }, { x: 198, y: 51 }, false, [], page, { grid: 10, threshold: 4 }).rect).toEqual({
      x: 100,
      y: 100,
      width: 200,
      height: 50,
    });
    const r = computeDraw({ x: 500, y: 700 }, { x: 400, y: 400 }, false, [], page, null).rect;
    expect(r.x + r.width).toBeLessThanOrEqual(page.width);
    expect(r.y + r.height).toBeLessThanOrEqual(page.height);
  });

  it('draws a square for fields that keep their proportions, anchored at the press point', () => {
    expect(computeDraw({ x: 100, y: 100 }, { x: 30, y: 10 }, true, [], page, { grid: 10, threshold: 4 }).rect).toEqual({
      x: 100,
      y: 100,
      width: 30,
      height: 30,
    });
    expect(computeDraw({ x: 100, y: 100 }, { x: -10, y: -40 }, true, [], page, null).rect).toEqual({ x: 60, y: 60, width: 40, height: 40 });
  });
});
