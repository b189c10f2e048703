import type { PDFContext } from 'pdf-lib';
import { PDFArray, PDFDict, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';
import { unitFrame, userUnit } from '../coordinates.js';
import { flate } from '../fonts/embed.js';
import type { PageCanvas } from './canvas.js';

/**
 * Adds a page's new content and resources to its dictionary. The original content is wrapped
 * in q … Q (it may leave the graphics state changed) and ours follows it.
 */

/**
 * The first answer `pick` gives for the page or one of its ancestors, nearest first (attributes a
 * page inherits from its tree, PDF 32000-1 §7.7.3.4); bounded, so a /Parent loop ends.
 */
export function fromPageOrAncestors<T>(page: PDFDict, pick: (node: PDFDict) => T | undefined): T | undefined {
  let node: PDFDict | undefined = page;
  for (let depth = 0; node && depth < 64; depth++) {
    const found = pick(node);
    if (found !== undefined) return found;
    const parent: unknown = node.lookup(PDFName.of('Parent'));
    node = parent instanceof PDFDict ? parent : undefined;
  }
  return undefined;
}

/** The page's effective /Resources (inherited from the page tree when not on the page). */
export function effectiveResources(page: PDFDict): PDFDict | undefined {
  return fromPageOrAncestors(page, (node) => {
    const r = node.lookup(PDFName.of('Resources'));
    return r instanceof PDFDict ? r : undefined;
  });
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
 * Page content streams shorter than this are stored uncompressed. Measured on the bench's 20-page
 * template (3 fields a page, ~400-byte streams): deflating each costs ~25 µs with zlib's per-call
 * set-up and garbage, 20% of the document's time, to save ~300 bytes a page (+9.5% bytes/doc,
 * still 0.88x pdfme's). Longer streams (the 30-field invoice page: 4 KB -> 0.7 KB) are deflated.
 */
export const MIN_COMPRESS_CONTENT = 1024;

/**
 * Writes into `target` the page `source` (looked up in its own document) plus our content. For
 * an incremental update `target` is a clone in the overlay context that replaces the page under
 * the same ref; for a rewritten document it is `source` itself.
 */
export function applyPageContent(ctx: PDFContext, target: PDFDict, source: PDFDict, canvas: PageCanvas, prefixStream: PDFRef): void {
  const frame = unitFrame(userUnit(target));
  const body = new TextEncoder().encode(`Q\n${frame.open}${canvas.ops.join('\n')}${frame.close}\n`);
  const ours = ctx.register(
    body.length < MIN_COMPRESS_CONTENT ? PDFRawStream.of(ctx.obj({ Length: body.length }), body) : flate(ctx, body, {}),
  );
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
 * One new Resources object per document and group of base resource dictionaries, shared by every
 * rewritten page of the group, instead of a copy in each page (a 20-page base used to get 20).
 * A group is base resource dictionaries whose entries never conflict (a name present in several
 * maps to the same value), e.g. pdf-lib's pages each carry their own dictionary with different
 * font names; the shared object holds the union of the group's pages' entries plus our fonts and
 * images. Resource names are unique per document (DocumentCanvas) and never used by the base
 * (compile's prefix), and a name a page's content does not use is never looked up, so each page
 * renders exactly as with its own dictionary.
 */
export interface Group {
  id: string;
  entries: Map<string, string>;
}
interface Shared {
  dict: PDFDict;
  ref?: PDFRef;
  first: PDFDict;
  merged: Set<PDFDict>;
}
/** Per base document (its context): the groups found so far, and each resource dictionary's group. */
const groups = new WeakMap<PDFContext, Group[]>();
const groupOf = new WeakMap<PDFDict, Group>();
/** Per output document: its shared dictionary per group. */
const shared = new WeakMap<PDFContext, Map<string, Shared>>();

/** A resource dictionary's entries as `Category/Name` (or `=Key` for non-dictionary values) → serialised value. */
function flatEntries(res: PDFDict): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of res.entries()) {
    const key = k.decodeText();
    const val = res.lookup(k);
    if (val instanceof PDFDict) for (const [n, x] of val.entries()) m.set(`${key}/${n.decodeText()}`, x.toString());
    else m.set(`=${key}`, v.toString());
  }
  return m;
}

/** The group of compatible base resource dictionaries `res` belongs to (per base document). */
export function resourceGroup(res: PDFDict): Group {
  let g = groupOf.get(res);
  if (g) return g;
  let list = groups.get(res.context);
  if (!list) groups.set(res.context, (list = []));
  const flat = flatEntries(res);
  g = list.find((c) => [...flat].every(([k, v]) => (c.entries.get(k) ?? v) === v));
  if (g) for (const [k, v] of flat) g.entries.set(k, v);
  else list.push((g = { id: String(list.length + 1), entries: flat }));
  groupOf.set(res, g);
  return g;
}

/** Copies a base resource dictionary's entries into the shared one (category dictionaries are copied, never mutated). */
function mergeBase(ctx: PDFContext, into: PDFDict, res: PDFDict): void {
  for (const [k, v] of res.entries()) {
    const val = res.lookup(k);
    if (!(val instanceof PDFDict)) {
      if (!into.has(k)) into.set(k, v);
      continue;
    }
    const sub = into.get(k);
    if (sub instanceof PDFDict) for (const [n, x] of val.entries()) sub.set(n, x);
    else into.set(k, val.clone(ctx));
  }
}

/**
 * Sets the page's /Resources. The first page of a group gets a direct dictionary (no indirect
 * object when nothing shares it); a second page of the group turns it into an indirect object
 * that both reference.
 */
function sharedResources(ctx: PDFContext, target: PDFDict, res: PDFDict | undefined, canvas: PageCanvas): void {
  let byGroup = shared.get(ctx);
  if (!byGroup) shared.set(ctx, (byGroup = new Map()));
  const key = res ? resourceGroup(res).id : '';
  let e = byGroup.get(key);
  const name = PDFName.of('Resources');
  if (!e) {
    e = { dict: PDFDict.withContext(ctx), first: target, merged: new Set() };
    byGroup.set(key, e);
    target.set(name, e.dict);
  } else if (!e.ref) {
    e.ref = ctx.register(e.dict);
    e.first.set(name, e.ref);
  }
  if (e.ref) target.set(name, e.ref);
  if (res && !e.merged.has(res)) {
    mergeBase(ctx, e.dict, res);
    e.merged.add(res);
  }
  addEntries(ctx, e.dict, 'Font', canvas.fonts);
  addEntries(ctx, e.dict, 'XObject', canvas.xobjects);
}

function addEntries(ctx: PDFContext, into: PDFDict, key: string, entries: Map<string, PDFRef>): void {
  if (!entries.size) return;
  const name = PDFName.of(key);
  // mergeBase left only our own copies of category dictionaries here.
  const cur = into.get(name);
  const sub = cur instanceof PDFDict ? cur : PDFDict.withContext(ctx);
  if (sub !== cur) into.set(name, sub);
  for (const [n, ref] of entries) sub.set(PDFName.of(n), ref);
}

export function qStream(ctx: PDFContext): PDFRef {
  return ctx.register(ctx.stream('q\n'));
}
