import type { PDFContext, PDFObject } from 'pdf-lib';
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFPage, PDFPageLeaf, PDFRef } from 'pdf-lib';
import type { BasePage } from '../compiled-state.js';
import type { PageBox } from '../coordinates.js';
import type { AddedPage } from './canvas.js';
import { RawObject, preparePage, type PreparedPage } from './page-bytes.js';
import { effectiveResources } from './page-update.js';

/**
 * Pages a document adds to its base (a table's continuation pages), in both output paths: the
 * incremental one writes the new page objects and the changed page tree nodes as text; the
 * rewrite one inserts pdf-lib page leaves. A copy of a base page shares the base's content
 * streams and resources by reference (nothing is duplicated) and leaves out its annotations
 * (form widgets and links belong to the original page).
 */

/** Entries of a page a copy does not take (or takes from elsewhere). */
const NOT_COPIED = new Set(['/Parent', '/Annots', '/StructParents', '/B', '/Contents', '/Resources', '/Type', '/Tabs']);
/** Entries a page may inherit from its tree (PDF 32000-1 §7.7.3.4), made explicit on a copy. */
const INHERITED = ['MediaBox', 'CropBox', 'Rotate'] as const;

const serial = (o: PDFObject): string => {
  const b = new Uint8Array(o.sizeInBytes());
  o.copyBytesInto(b, 0);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
};

function inherited(dict: PDFDict, key: string): PDFObject | undefined {
  let node: PDFDict | undefined = dict;
  for (let depth = 0; node && depth < 64; depth++) {
    const v = node.get(PDFName.of(key));
    if (v) return v;
    const parent: unknown = node.lookup(PDFName.of('Parent'));
    node = parent instanceof PDFDict ? parent : undefined;
  }
  return undefined;
}

const boxArray = (b: PageBox): string => `[${b.x} ${b.y} ${b.x + b.width} ${b.y + b.height}]`;

/** The serialised parts of an added page, as writePages takes them (see PreparedPage). */
export function prepareAddedPage(pages: readonly BasePage[], added: AddedPage, parent: PDFRef, blankBox: PageBox): PreparedPage {
  const head = `/Type /Page\n/Parent ${parent.toString()}\n`;
  if (added.source === 'blank') {
    return { head: `${head}/MediaBox ${boxArray(blankBox)}\n`, contents: '', ownResources: undefined, group: '', base: undefined };
  }
  const source = pages[added.source];
  const prepared = (source.prepared ??= preparePage(source.dict));
  let extra = '';
  for (const [k, v] of source.dict.entries()) if (!NOT_COPIED.has(k.asString())) extra += `${serial(k)} ${serial(v)}\n`;
  for (const key of INHERITED) {
    if (source.dict.has(PDFName.of(key))) continue;
    const v = inherited(source.dict, key);
    if (v) extra += `/${key} ${serial(v)}\n`;
  }
  const res = effectiveResources(source.dict);
  return {
    head: head + extra,
    contents: prepared.contents,
    ownResources: res ? serial(res) : undefined,
    group: prepared.group,
    base: prepared.base,
  };
}

/** Where a base page sits in its page tree, when the tree can take new kids by an incremental update. */
export interface TreeSlot {
  parent: PDFRef;
  /** The parent and its ancestors, nearest first (each /Count grows by the pages added below it). */
  chain: { ref: PDFRef; dict: PDFDict }[];
}

/** The page's tree slot, or undefined when its /Parent, /Kids or /Count are not as the format says. */
export function treeSlot(page: BasePage): TreeSlot | undefined {
  const chain: TreeSlot['chain'] = [];
  let childRef: PDFRef = page.ref;
  let child: PDFDict = page.dict;
  const seen = new Set<PDFDict>();
  for (let depth = 0; depth < 64; depth++) {
    const ref = child.get(PDFName.of('Parent'));
    if (ref === undefined) return chain.length ? { parent: chain[0].ref, chain } : undefined;
    if (!(ref instanceof PDFRef)) return undefined;
    const dict = child.context.lookup(ref);
    if (!(dict instanceof PDFDict) || seen.has(dict)) return undefined;
    seen.add(dict);
    const kids = dict.lookup(PDFName.of('Kids'));
    if (!(kids instanceof PDFArray) || !kids.asArray().some((k) => k === childRef)) return undefined;
    if (!(dict.lookup(PDFName.of('Count')) instanceof PDFNumber)) return undefined;
    chain.push({ ref, dict });
    childRef = ref;
    child = dict;
  }
  return undefined;
}

/**
 * Writes the added pages' tree changes into the overlay: each parent gets the new kids after the
 * page they follow, and every ancestor's /Count grows. `refs` are the added pages' objects.
 */
export function writeTreeUpdates(overlay: PDFContext, pages: readonly BasePage[], added: readonly AddedPage[], refs: PDFRef[]): void {
  const kidsAfter = new Map<PDFDict, Map<PDFRef, PDFRef[]>>();
  const extraCount = new Map<PDFDict, { ref: PDFRef; n: number }>();
  added.forEach((a, i) => {
    const slot = treeSlot(pages[a.after])!;
    const parent = slot.chain[0].dict;
    let m = kidsAfter.get(parent);
    if (!m) kidsAfter.set(parent, (m = new Map()));
    const list = m.get(pages[a.after].ref) ?? [];
    list.push(refs[i]);
    m.set(pages[a.after].ref, list);
    for (const node of slot.chain) {
      const e = extraCount.get(node.dict) ?? { ref: node.ref, n: 0 };
      e.n++;
      extraCount.set(node.dict, e);
    }
  });
  for (const [dict, { ref, n }] of extraCount) {
    let text = '<<\n';
    for (const [k, v] of dict.entries()) {
      const key = k.asString();
      if (key === '/Kids' || key === '/Count') continue;
      text += `${serial(k)} ${serial(v)}\n`;
    }
    const kids = (dict.lookup(PDFName.of('Kids')) as PDFArray).asArray();
    const insert = kidsAfter.get(dict);
    const out: string[] = [];
    for (const kid of kids) {
      out.push(serial(kid));
      const more = kid instanceof PDFRef ? insert?.get(kid) : undefined;
      if (more) out.push(...more.map((r) => r.toString()));
    }
    const count = (dict.lookup(PDFName.of('Count')) as PDFNumber).asNumber() + n;
    overlay.assign(ref, new RawObject(`${text}/Kids [${out.join(' ')}]\n/Count ${count}\n>>`));
  }
}

/**
 * The rewrite path: inserts each added page into the parsed document after the page it follows
 * and returns the document's pages by canvas index (base pages first, then the added ones).
 */
export function insertAddedPages(doc: PDFPage['doc'], added: readonly AddedPage[], blankBox: (after: number) => PageBox): PDFPage[] {
  const base = doc.getPages();
  const byIndex = [...base];
  const insertedAfter = new Map<number, number>();
  const ctx = doc.context;
  for (const a of added) {
    const after = base[a.after];
    const parent = after.node.get(PDFName.of('Parent'));
    const leaf = PDFPageLeaf.withContextAndParent(
      ctx,
      parent instanceof PDFRef ? parent : (doc.catalog.get(PDFName.of('Pages')) as PDFRef),
    );
    if (a.source === 'blank') {
      const b = blankBox(a.after);
      leaf.set(PDFName.of('MediaBox'), ctx.obj([b.x, b.y, b.x + b.width, b.y + b.height]));
    } else {
      const src = base[a.source].node;
      for (const [k, v] of src.entries()) if (!NOT_COPIED.has(k.asString())) leaf.set(k, v);
      for (const key of INHERITED) {
        if (src.has(PDFName.of(key))) continue;
        const v = inherited(src, key);
        if (v) leaf.set(PDFName.of(key), v);
      }
      const contents = src.get(PDFName.of('Contents'));
      if (contents) leaf.set(PDFName.of('Contents'), contents);
      const res = effectiveResources(src);
      if (res) leaf.set(PDFName.of('Resources'), res);
    }
    const ref = ctx.register(leaf);
    const page = PDFPage.of(leaf, ref, doc);
    // Base pages before `after` moved by the pages inserted after them.
    const insertedBefore = [...insertedAfter].filter(([k]) => k < a.after).reduce((s, [, v]) => s + v, 0);
    const own = insertedAfter.get(a.after) ?? 0;
    doc.insertPage(a.after + insertedBefore + 1 + own, page);
    insertedAfter.set(a.after, own + 1);
    byIndex[a.index] = page;
  }
  return byIndex;
}
