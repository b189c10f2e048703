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

  if (!canvas.fonts.size && !canvas.xobjects.size) return;
  sharedResources(ctx, target, effectiveResources(source), canvas);
}

/**
 * One new Resources object per document and distinct base resource dictionary, shared by every
 * page whose effective resources are that dictionary or an equal one, instead of a copy in each
 * rewritten page (a 20-page base used to get 20 copies). It holds the union of the pages' new fonts and images; resource
 * names are unique per document (DocumentCanvas), so an entry unused on a page is harmless.
 * Kept per output context, so it lives as long as the document being written.
 */
interface Shared { dict: PDFDict; ref?: PDFRef; first: PDFDict }
const shared = new WeakMap<PDFContext, Map<string, Shared>>();
/** A base resource dictionary's serialisation: pages with equal text share one (pdf-lib gives each page its own, equal, dict). */
const signatures = new WeakMap<PDFDict, string>();

function signature(res: PDFDict | undefined): string {
  if (!res) return '';
  let s = signatures.get(res);
  if (s === undefined) signatures.set(res, (s = res.toString()));
  return s;
}

/**
 * Sets the page's /Resources. The first page of a kind gets a direct dictionary (no indirect
 * object when nothing shares it); a second page with equal base resources turns it into an
 * indirect object that both reference.
 */
function sharedResources(ctx: PDFContext, target: PDFDict, res: PDFDict | undefined, canvas: PageCanvas): void {
  let byBase = shared.get(ctx);
  if (!byBase) shared.set(ctx, (byBase = new Map()));
  const key = signature(res);
  let e = byBase.get(key);
  const name = PDFName.of('Resources');
  if (!e) {
    e = { dict: res ? res.clone(ctx) : PDFDict.withContext(ctx), first: target };
    byBase.set(key, e);
    target.set(name, e.dict);
  } else if (!e.ref) {
    e.ref = ctx.register(e.dict);
    e.first.set(name, e.ref);
  }
  if (e.ref) target.set(name, e.ref);
  addEntries(ctx, e.dict, res, 'Font', canvas.fonts);
  addEntries(ctx, e.dict, res, 'XObject', canvas.xobjects);
}

function addEntries(ctx: PDFContext, into: PDFDict, base: PDFDict | undefined, key: string, entries: Map<string, PDFRef>): void {
  if (!entries.size) return;
  const name = PDFName.of(key);
  let sub = into.get(name);
  // First time: a fresh copy of the base's sub-dictionary (never mutate the base's own).
  if (!(sub instanceof PDFDict) || sub === base?.lookup(name)) {
    const b = base?.lookup(name);
    sub = b instanceof PDFDict ? b.clone(ctx) : PDFDict.withContext(ctx);
    into.set(name, sub);
  }
  for (const [n, ref] of entries) (sub as PDFDict).set(PDFName.of(n), ref);
}

export function qStream(ctx: PDFContext): PDFRef {
  return ctx.register(ctx.stream('q\n'));
}
