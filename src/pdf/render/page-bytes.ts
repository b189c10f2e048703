import type { PDFContext, PDFRef } from 'pdf-lib';
import { PDFArray, PDFDict, PDFName, PDFObject, PDFRawStream } from 'pdf-lib';
import { unitFrame, userUnit } from '../coordinates.js';
import { flate } from '../fonts/embed.js';
import type { PageCanvas } from './canvas.js';
import { MIN_COMPRESS_CONTENT, effectiveResources, resourceGroup } from './page-update.js';

/**
 * The incremental path's page rewrite, from bytes prepared once per compiled template. Each
 * touched page must be rewritten per document (its /Contents gains our stream, its /Resources our
 * fonts); cloning the parsed page, merging its base resources into the shared dictionary and
 * serialising it all again was ~15% of a 20-page document's time. Here the page's other entries,
 * its original content references and its base resource entries are serialised at compile time,
 * and a document only concatenates them with its own references. Same output semantics as
 * applyPageContent (which the rewrite path still uses): original content wrapped in q … Q, one
 * shared /Resources per group of compatible base resource dictionaries (page-update.ts).
 */

/** An object as the PDF syntax the incremental writer writes (latin1). */
export const latin1 = (o: PDFObject): string => {
  const b = new Uint8Array(o.sizeInBytes());
  o.copyBytesInto(b, 0);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
};

/** An object already serialised (PDF syntax, latin1): written as is by the incremental writer. */
export class RawObject extends PDFObject {
  private readonly bytes: Uint8Array;
  constructor(text: string) {
    super();
    this.bytes = new Uint8Array(Buffer.from(text, 'latin1'));
  }
  override clone(): RawObject {
    return this;
  }
  override toString(): string {
    return Buffer.from(this.bytes).toString('latin1');
  }
  override sizeInBytes(): number {
    return this.bytes.length;
  }
  override copyBytesInto(buffer: Uint8Array, offset: number): number {
    buffer.set(this.bytes, offset);
    return this.bytes.length;
  }
}

/** A base resource dictionary flattened: category dictionaries' entries, and other entries. */
interface ResEntries {
  cats: Map<string, Map<string, string>>;
  others: Map<string, string>;
}

export interface PreparedPage {
  /** Entries other than /Contents and /Resources, serialised. */
  head: string;
  /** The page's /UserUnit (our content is written in points inside unitFrame). */
  unit: number;
  /** The original content stream references, in order, serialised. */
  contents: string;
  /** The page's own /Resources value, serialised (kept when we add no resources). */
  ownResources: string | undefined;
  /** Group of the effective resources ('' when the page has none). */
  group: string;
  base: ResEntries | undefined;
}

function flatten(res: PDFDict): ResEntries {
  const out: ResEntries = { cats: new Map(), others: new Map() };
  for (const [k, v] of res.entries()) {
    const key = latin1(k);
    const val = res.lookup(k);
    if (val instanceof PDFDict) {
      const m = new Map<string, string>();
      for (const [n, x] of val.entries()) m.set(latin1(n), latin1(x));
      out.cats.set(key, m);
    } else out.others.set(key, latin1(v));
  }
  return out;
}

/** Once per compiled template: each base page's parts, serialised. */
export function preparePage(dict: PDFDict): PreparedPage {
  let head = '';
  for (const [k, v] of dict.entries()) {
    const name = k.asString();
    if (name === '/Contents' || name === '/Resources') continue;
    head += `${latin1(k)} ${latin1(v)}\n`;
  }
  const orig = dict.get(PDFName.of('Contents'));
  const resolved = orig instanceof PDFArray ? orig : orig ? dict.context.lookup(orig) : undefined;
  const refs = resolved instanceof PDFArray ? resolved.asArray() : orig ? [orig] : [];
  const own = dict.get(PDFName.of('Resources'));
  const res = effectiveResources(dict);
  return {
    head,
    unit: userUnit(dict),
    contents: refs.map(latin1).join(' '),
    ownResources: own ? latin1(own) : undefined,
    group: res ? resourceGroup(res).id : '',
    base: res ? flatten(res) : undefined,
  };
}

/** Our content stream for a page: `Q` closes the q the shared prefix stream opened around the base's content. */
function contentStream(ctx: PDFContext, canvas: PageCanvas, unit: number): PDFRef {
  const frame = unitFrame(unit);
  const body = new TextEncoder().encode(`Q\n${frame.open}${canvas.ops.join('\n')}${frame.close}\n`);
  return ctx.register(body.length < MIN_COMPRESS_CONTENT ? PDFRawStream.of(ctx.obj({ Length: body.length }), body) : flate(ctx, body, {}));
}

function resourcesText(pages: { prepared: PreparedPage; canvas: PageCanvas }[]): string {
  const others = new Map<string, string>();
  const cats = new Map<string, Map<string, string>>();
  const cat = (k: string): Map<string, string> => {
    let m = cats.get(k);
    if (!m) cats.set(k, (m = new Map()));
    return m;
  };
  for (const { prepared } of pages) {
    if (!prepared.base) continue;
    for (const [k, v] of prepared.base.others) if (!others.has(k)) others.set(k, v);
    for (const [k, m] of prepared.base.cats) for (const [n, x] of m) cat(k).set(n, x);
  }
  for (const { canvas } of pages) {
    for (const [n, ref] of canvas.fonts) cat('/Font').set(`/${n}`, ref.toString());
    for (const [n, ref] of canvas.xobjects) cat('/XObject').set(`/${n}`, ref.toString());
  }
  let s = '<<\n';
  for (const [k, v] of others) s += `${k} ${v}\n`;
  for (const [k, m] of cats) {
    s += `${k} <<`;
    for (const [n, x] of m) s += `\n${n} ${x}`;
    s += '\n>>\n';
  }
  return `${s}>>`;
}

/**
 * Writes the touched pages of one document into `overlay` under their base refs. `q` is the
 * document's shared prefix stream (q), which keeps the base's graphics state away from ours.
 */
export function writePages(overlay: PDFContext, touched: { ref: PDFRef; prepared: PreparedPage; canvas: PageCanvas }[], q: PDFRef): void {
  // Pages adding resources share one /Resources per group: direct when one page of the group needs it, indirect otherwise.
  const byGroup = new Map<string, typeof touched>();
  for (const t of touched) {
    if (!t.canvas.fonts.size && !t.canvas.xobjects.size) continue;
    const list = byGroup.get(t.prepared.group);
    if (list) list.push(t);
    else byGroup.set(t.prepared.group, [t]);
  }
  const resOf = new Map<(typeof touched)[number], string>();
  for (const list of byGroup.values()) {
    const text = resourcesText(list.map((t) => ({ prepared: t.prepared, canvas: t.canvas })));
    const value = list.length > 1 ? overlay.register(new RawObject(text)).toString() : text;
    for (const t of list) resOf.set(t, value);
  }
  const qRef = q.toString();
  for (const t of touched) {
    const ours = contentStream(overlay, t.canvas, t.prepared.unit).toString();
    const res = resOf.get(t) ?? t.prepared.ownResources;
    const contents = [qRef, t.prepared.contents, ours].filter(Boolean).join(' ');
    overlay.assign(
      t.ref,
      new RawObject(`<<\n${t.prepared.head}/Contents [${contents}]\n${res !== undefined ? `/Resources ${res}\n` : ''}>>`),
    );
  }
}
