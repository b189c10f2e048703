import bidiFactory from 'bidi-js';

/**
 * The Unicode Bidirectional Algorithm (bidi-js): embedding levels of a paragraph's code points
 * (rules P–I), and the reordering of one laid-out line into visual order (rule L2).
 */

let bidi: ReturnType<typeof bidiFactory> | undefined;

export type Direction = 'auto' | 'ltr' | 'rtl';

/** Levels per code point of `text` (one paragraph) and the paragraph's base level (0 LTR, 1 RTL). */
export function embeddingLevels(text: string, direction: Direction = 'auto'): { levels: number[]; base: number } {
  bidi ??= bidiFactory();
  const r = bidi.getEmbeddingLevels(text, direction === 'auto' ? undefined : direction);
  const levels: number[] = [];
  // bidi-js indexes UTF-16 code units; layout indexes code points.
  for (let i = 0; i < text.length; i++) {
    levels.push(r.levels[i]);
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++;
  }
  return { levels, base: r.paragraphs[0]?.level ?? 0 };
}

/**
 * Rule L2: from the highest level down to the lowest odd one, reverse every maximal sequence at
 * that level or above. `levelOf` gives an item's level (items without one take the base level).
 */
export function reorderVisual<T>(items: T[], levelOf: (item: T) => number): T[] {
  const levels = items.map(levelOf);
  let max = 0;
  let minOdd = Infinity;
  for (const l of levels) {
    if (l > max) max = l;
    if (l % 2 === 1 && l < minOdd) minOdd = l;
  }
  if (minOdd === Infinity) return items;
  const out = [...items];
  const lv = [...levels];
  for (let level = max; level >= minOdd; level--) {
    for (let i = 0; i < out.length;) {
      if (lv[i] < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < out.length && lv[j] >= level) j++;
      reverse(out, i, j);
      reverse(lv, i, j);
      i = j;
    }
  }
  return out;
}

function reverse<T>(a: T[], i: number, j: number): void {
  for (j--; i < j; i++, j--) [a[i], a[j]] = [a[j], a[i]];
}
