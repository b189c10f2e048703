import { describe, expect, it } from 'vitest';
import { snapMove, snapResize, snapToGrid } from './snapping.js';

const other = { x: 100, y: 200, width: 50, height: 20 };

describe('snapping', () => {
  it('snaps values to the grid', () => {
    expect(snapToGrid(12.4, 5)).toBe(10);
    expect(snapToGrid(12.6, 5)).toBe(15);
    expect(snapToGrid(12.6, 0)).toBe(12.6);
  });

  it('snaps a moved rect to another field’s left edge and shows a guide there', () => {
    const r = snapMove({ x: 103, y: 400, width: 30, height: 10 }, [other], { threshold: 5, grid: 0 });
    expect(r.rect.x).toBe(100);
    expect(r.guides).toContainEqual({ axis: 'x', pos: 100 });
    expect(r.rect.y).toBe(400);
  });

  it('snaps right edge to right edge and centre to centre', () => {
    const right = snapMove({ x: 122, y: 400, width: 30, height: 10 }, [other], { threshold: 3, grid: 0 });
    expect(right.rect.x + right.rect.width).toBe(150);
    const centre = snapMove({ x: 10, y: 204, width: 30, height: 10 }, [other], { threshold: 2, grid: 0 });
    expect(centre.rect.y + centre.rect.height / 2).toBe(210);
    expect(centre.guides).toContainEqual({ axis: 'y', pos: 210 });
  });

  it('falls back to the grid when no edge is near, and does nothing beyond the threshold without grid', () => {
    const g = snapMove({ x: 301, y: 503, width: 30, height: 10 }, [other], { threshold: 3, grid: 10 });
    expect(g.rect).toMatchObject({ x: 300, y: 500 });
    expect(g.guides).toEqual([]);
    const none = snapMove({ x: 301, y: 503, width: 30, height: 10 }, [other], { threshold: 3 });
    expect(none.rect).toMatchObject({ x: 301, y: 503 });
  });

  it('edge snapping can be switched off', () => {
    const r = snapMove({ x: 103, y: 400, width: 30, height: 10 }, [other], { threshold: 5, grid: 0, edges: false });
    expect(r.rect.x).toBe(103);
  });

  it('snaps only the edges a resize handle moves', () => {
    const r = snapResize({ x: 10, y: 10, width: 88, height: 30 }, 'e', [other], { threshold: 3 });
    expect(r.rect).toEqual({ x: 10, y: 10, width: 90, height: 30 });
    expect(r.guides).toEqual([{ axis: 'x', pos: 100 }]);
    const s = snapResize({ x: 10, y: 10, width: 88, height: 32 }, 's', [], { threshold: 3, grid: 5 });
    expect(s.rect).toEqual({ x: 10, y: 10, width: 88, height: 30 });
  });
});
