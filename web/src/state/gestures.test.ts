import { describe, expect, it } from 'vitest';
import { computeMove, computeResize } from './gestures.js';

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
