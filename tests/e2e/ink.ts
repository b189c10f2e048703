/**
 * Ink of a grayscale image: the pixels darker than mid-grey (text, not the page's light grid
 * dots or antialiasing fringes), its bounding box and how much of one image's ink lies on another's.
 */

export interface Gray {
  width: number;
  height: number;
  /** Luminance 0 (black) … 255 (white), row by row. */
  px: Uint8Array;
}

const INK = 128;

export function isInk(g: Gray, x: number, y: number): boolean {
  return x >= 0 && y >= 0 && x < g.width && y < g.height && g.px[y * g.width + x] < INK;
}

export function inkBox(g: Gray): { left: number; top: number; right: number; bottom: number } | null {
  let left = Infinity;
  let top = Infinity;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < g.height; y += 1)
    for (let x = 0; x < g.width; x += 1)
      if (isInk(g, x, y)) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
  return right < 0 ? null : { left, top, right, bottom };
}

/** Share of a's ink pixels with ink of b within 1 px (and the reverse): 1 when they coincide. */
export function inkOverlap(a: Gray, b: Gray): { aInB: number; bInA: number } {
  const share = (p: Gray, q: Gray): number => {
    let ink = 0;
    let hit = 0;
    for (let y = 0; y < p.height; y += 1)
      for (let x = 0; x < p.width; x += 1) {
        if (!isInk(p, x, y)) continue;
        ink += 1;
        let near = false;
        for (let dy = -1; dy <= 1 && !near; dy += 1) for (let dx = -1; dx <= 1 && !near; dx += 1) near = isInk(q, x + dx, y + dy);
        if (near) hit += 1;
      }
    return ink === 0 ? 0 : hit / ink;
  };
  return { aInB: share(a, b), bInA: share(b, a) };
}
