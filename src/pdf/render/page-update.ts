import type { PDFContext} from 'pdf-lib';
import { PDFArray, PDFDict, PDFName, PDFRef } from 'pdf-lib';
import { flate } from '../fonts/embed.js';
import type { PageCanvas } from './canvas.js';

/**
 * Adds a page's new content and resources to its dictionary. The original content is wrapped
 * in q … Q (it may leave the graphics state changed) and ours follows it.
 */

/** The page's effective /Resources (inherited from the page tree when not on the page). */
export function effectiveResources(page: PDFDict): PDFDict | undefined {
  let node: PDFDict | undefined = page;
  for (let depth = 0; node && depth < 64; depth++) {
    const r = node.lookup(PDFName.of('Resources'));
    if (r instanceof PDFDict) return r;
    const parent: unknown = node.lookup(PDFName.of('Parent'));
    node = parent instanceof PDFDict ? parent : undefined;
  }
  return undefined;
}

/** Every resource name the page already uses for fonts and XObjects. */
export function resourceNames(page: PDFDict): string[] {
  const res = effectiveResources(page);
  const out: string[] = [];
  for (const key of ['Font', 'XObject']) {
    const d = res?.lookup(PDFName.of(key));
    if (d instanceof PDFDict) for (const k of d.keys()) out.push(k.decodeText());
  }
  return out;
}

function withEntries(ctx: PDFContext, base: PDFDict | undefined, entries: Map<string, PDFRef>): PDFDict {
  const d = base ? base.clone(ctx) : PDFDict.withContext(ctx);
  for (const [name, ref] of entries) d.set(PDFName.of(name), ref);
  return d;
}

/**
 * Writes into `target` the page `source` (looked up in its own document) plus our content. For
 * an incremental update `target` is a clone in the overlay context that replaces the page under
 * the same ref; for a rewritten document it is `source` itself.
 */
export function applyPageContent(ctx: PDFContext, target: PDFDict, source: PDFDict, canvas: PageCanvas, prefixStream: PDFRef): void {
  const body = new TextEncoder().encode(`Q\n${canvas.ops.join('\n')}\n`);
  const ours = ctx.register(flate(ctx, body, {}));
  const contents = PDFArray.withContext(ctx);
  contents.push(prefixStream);
  const orig = source.get(PDFName.of('Contents'));
  const resolved = orig instanceof PDFRef ? source.context.lookup(orig) : orig;
  if (resolved instanceof PDFArray) for (let i = 0; i < resolved.size(); i++) contents.push(resolved.get(i));
  else if (orig) contents.push(orig);
  contents.push(ours);
  target.set(PDFName.of('Contents'), contents);

  const res = effectiveResources(source);
  const newRes = res ? res.clone(ctx) : PDFDict.withContext(ctx);
  if (canvas.fonts.size) {
    const f = res?.lookup(PDFName.of('Font'));
    newRes.set(PDFName.of('Font'), withEntries(ctx, f instanceof PDFDict ? f : undefined, canvas.fonts));
  }
  if (canvas.xobjects.size) {
    const x = res?.lookup(PDFName.of('XObject'));
    newRes.set(PDFName.of('XObject'), withEntries(ctx, x instanceof PDFDict ? x : undefined, canvas.xobjects));
  }
  target.set(PDFName.of('Resources'), newRes);
}

export function qStream(ctx: PDFContext): PDFRef {
  return ctx.register(ctx.stream('q\n'));
}
