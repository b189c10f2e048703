import type { PageBox, Rect } from '../coordinates.js';
import type { FontChain } from '../fonts/registry.js';
import type { EngineField } from '../types.js';
import { assertPageBound, planContinuation, type ContinuationPlan } from './continuation.js';
import type { DocumentCanvas } from './canvas.js';
import { drawBox, frameMatrix, type PreparedField } from './draw.js';
import { layoutText, type LayoutResult, type Line } from './text-layout.js';
import { drawTextLayout } from './text.js';

/**
 * Text with overflow 'continue': wrapped at word boundaries, the lines that fit in the field's box
 * drawn there, and the rest in the continuation box on as many continuation pages as it needs.
 * Text that continues is wrapped once, at the narrower of the two boxes, so every line fits wherever
 * it lands and no word is split or repeated between pages.
 */

export interface FlowPlan extends ContinuationPlan {
  box: Rect;
  nextBox: Rect;
}

export function isContinuing(field: EngineField): boolean {
  return field.type === 'text' && field.advanced.overflow === 'continue';
}

/** The field's box, and its box on continuation pages (default: the same), in the product's top-left page coordinates. */
export function flowBoxes(field: EngineField): { box: Rect; nextBox: Rect } {
  const box = { x: field.position.x, y: field.position.y, width: field.size.width, height: field.size.height };
  return { box, nextBox: field.advanced.continuation?.box ?? box };
}

export function planFlow(field: EngineField, pageIndex: number, pageBoxes: readonly PageBox[]): FlowPlan | undefined {
  if (!isContinuing(field)) return undefined;
  const cont = field.advanced.continuation ?? { page: 'same' as const };
  return { ...planContinuation(field, cont, pageIndex, pageBoxes), ...flowBoxes(field) };
}

export interface TextPages {
  layout: LayoutResult;
  /** The lines of each box: the field's, then one per continuation page. */
  chunks: Line[][];
}

/** The text's lines split over the field's box and its continuation boxes (shared by drawing and preflight). */
export function paginateText(field: EngineField, chain: FontChain, text: string, box: Rect, nextBox: Rect): TextPages {
  const pad = field.style.borderWidth;
  const size = field.style.fontSize;
  const linesAt = (width: number): LayoutResult =>
    layoutText({
      text,
      chain,
      fontSize: size,
      minFontSize: size,
      lineHeight: field.style.lineHeight,
      width: width - 2 * pad,
      height: Number.MAX_SAFE_INTEGER,
      multiLine: true,
      overflow: 'wrap',
      direction: field.style.direction,
      field,
    });
  // A box too low for one line still takes one, clipped: the text always moves on.
  const perBox = (r: Rect) => Math.max(1, Math.floor((r.height - 2 * pad + 0.01) / (size * field.style.lineHeight)));
  let layout = linesAt(box.width);
  if (layout.lines.length <= perBox(box)) return { layout, chunks: [layout.lines] };
  if (nextBox.width < box.width) layout = linesAt(nextBox.width);
  const chunks: Line[][] = [layout.lines.slice(0, perBox(box))];
  const next = perBox(nextBox);
  for (let i = chunks[0].length; i < layout.lines.length; i += next) chunks.push(layout.lines.slice(i, i + next));
  return { layout, chunks };
}

/**
 * Draws the text's chunks (more than one: a text that fits is drawn as any field is);
 * `onNewPage` is called for each continuation page. Returns the number of continuation pages.
 */
export async function drawFlow(
  doc: DocumentCanvas,
  p: PreparedField,
  plan: FlowPlan,
  pages: TextPages,
  maxPages: number | undefined,
  onNewPage: (pageIndex: number) => Promise<void>,
): Promise<number> {
  const adds = pages.chunks.length - 1;
  assertPageBound(doc, p.field, adds, maxPages);
  // Continued text reads from the top of every box, whatever the field's vertical alignment.
  const style = { ...p.field.style, verticalAlign: 'top' as const };
  for (const [i, lines] of pages.chunks.entries()) {
    const pageIndex = i === 0 ? plan.pageIndex : doc.addPage(plan.pageIndex, plan.source);
    if (i > 0) await onNewPage(pageIndex);
    const box = i === 0 ? plan.box : plan.nextBox;
    const field = { ...p.field, style, position: { x: box.x, y: box.y }, size: { width: box.width, height: box.height } };
    const placed: PreparedField = { ...p, field, pageIndex, pageBox: i === 0 ? plan.pageBox : plan.nextPageBox };
    const page = doc.page(pageIndex);
    page.push('q', frameMatrix(placed));
    drawBox(page, field, box.width, box.height);
    const clip = lines.length * field.style.fontSize * field.style.lineHeight > box.height - 2 * field.style.borderWidth + 0.01;
    drawTextLayout(doc, page, field, { ...pages.layout, lines, clip }, box.width, box.height);
    page.push('Q');
  }
  return adds;
}
