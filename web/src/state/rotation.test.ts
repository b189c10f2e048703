import { describe, expect, it } from 'vitest';
import { rotatedCorners, rotationTransform, toLocalVector } from './geometry.js';

// The engine itself, loaded at run time (its Node-side types are outside the studio's tsconfig).
// It writes the matrix with rounded numbers: corners agree to within 0.05 pt.
const ENGINE = '@/pdf/render/draw.js';
type FrameMatrix = (p: unknown) => string;

/** Where the engine puts a field's box corners, converted back to top-left page points. */
async function engineCorners(
  rect: { x: number; y: number; width: number; height: number },
  rotation: number,
  page = { width: 600, height: 800 },
) {
  const { frameMatrix } = (await import(/* @vite-ignore */ ENGINE)) as { frameMatrix: FrameMatrix };
  const m = frameMatrix({
    field: { position: { x: rect.x, y: rect.y }, size: { width: rect.width, height: rect.height }, layout: { rotation } },
    pageIndex: 0,
    pageBox: { x: 0, y: 0, ...page },
  });
  const [a, b, c, d, e, f] = m.split(' ').slice(0, 6).map(Number);
  const { width: w, height: h } = rect;
  // The field's local frame has its origin at the box's bottom-left (PDF y up): top-left is (0, h).
  const local = [
    [0, h],
    [w, h],
    [w, 0],
    [0, 0],
  ];
  return local.map(([x, y]) => ({ x: a * x + c * y + e, y: page.height - (b * x + d * y + f) }));
}

describe('field rotation as the engine draws it', () => {
  const rect = { x: 100, y: 200, width: 120, height: 30 };

  for (const deg of [0, 30, 90, -45, 180, 270, 405]) {
    it(`matches the engine's corners at ${deg}°`, async () => {
      const ours = rotatedCorners(rect, deg);
      const engine = await engineCorners(rect, deg);
      ours.forEach((p, i) => {
        expect(p.x).toBeCloseTo(engine[i].x, 1);
        expect(p.y).toBeCloseTo(engine[i].y, 1);
      });
    });
  }

  it('rotates about the centre, clockwise on screen for positive degrees', () => {
    const [tl, tr] = rotatedCorners({ x: 0, y: 0, width: 100, height: 20 }, 90);
    // Top edge turned clockwise by 90°: it now runs downwards, on the right of the centre (50, 10).
    expect(tl.x).toBeCloseTo(60);
    expect(tl.y).toBeCloseTo(-40);
    expect(tr.x).toBeCloseTo(60);
    expect(tr.y).toBeCloseTo(60);
  });

  it('gives the CSS transform (none at 0 or full turns)', () => {
    expect(rotationTransform(0)).toBeUndefined();
    expect(rotationTransform(360)).toBeUndefined();
    expect(rotationTransform(-360)).toBeUndefined();
    expect(rotationTransform(30)).toBe('rotate(30deg)');
    expect(rotationTransform(-45)).toBe('rotate(-45deg)');
  });

  it('turns a pointer movement into the field’s own axes', () => {
    // Dragging straight down across a field turned 90° clockwise moves along its width.
    const v = toLocalVector({ x: 0, y: 10 }, 90);
    expect(v.x).toBeCloseTo(10);
    expect(v.y).toBeCloseTo(0);
    const same = toLocalVector({ x: 3, y: 4 }, 0);
    expect(same).toEqual({ x: 3, y: 4 });
  });
});
