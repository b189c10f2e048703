/**
 * Column width weights of a table field as the canvas shows and edits them. The engine shares the
 * table's width among its columns by weight, so a divider between two columns is at the running
 * share of the weights, and dragging it trades width between those two columns only: the others
 * keep their share, and the weights keep their sum (so the numbers in the property panel move as
 * little as possible).
 */

/** The smallest share of the table's width a column keeps while a divider is dragged. */
export const MIN_COLUMN_SHARE = 0.03;

/** Where the dividers are: the running share (0–1) after each column but the last. */
export function dividerShares(widths: readonly number[]): number[] {
  const total = widths.reduce((s, w) => s + w, 0);
  const out: number[] = [];
  let run = 0;
  for (const w of widths.slice(0, -1)) {
    run += w;
    out.push(run / total);
  }
  return out;
}

/** Each column's share (0–1) of the table's width. */
export function columnShares(widths: readonly number[]): number[] {
  const total = widths.reduce((s, w) => s + w, 0);
  return widths.map((w) => w / total);
}

/** Weights rounded to two decimals: what a person would type, and what a save stores. */
const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The weights after divider `i` (between columns i and i+1) moves to `share` of the table's width;
 * the divider stops short of its neighbours by MIN_COLUMN_SHARE.
 */
export function moveDivider(widths: readonly number[], i: number, share: number): number[] {
  if (i < 0 || i >= widths.length - 1) return [...widths];
  const total = widths.reduce((s, w) => s + w, 0);
  const before = widths.slice(0, i).reduce((s, w) => s + w, 0) / total;
  const pair = (widths[i] + widths[i + 1]) / total;
  const left = Math.min(pair - MIN_COLUMN_SHARE, Math.max(MIN_COLUMN_SHARE, share - before));
  // Rounding may not change the pair's sum: the right column takes what rounding left.
  const a = Math.max(0.01, round(left * total));
  const b = Math.max(0.01, round(widths[i] + widths[i + 1] - a));
  return widths.map((w, j) => (j === i ? a : j === i + 1 ? b : w));
}

/** The divider's keyboard step: one percent of the table's width, ten with Shift. */
export function nudgeDivider(widths: readonly number[], i: number, steps: number): number[] {
  const shares = dividerShares(widths);
  if (i < 0 || i >= shares.length) return [...widths];
  return moveDivider(widths, i, shares[i] + steps / 100);
}
