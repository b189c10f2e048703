import type { PDFContext, PDFObject } from 'pdf-lib';
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFPage, PDFPageLeaf, PDFRef } from 'pdf-lib';
import type { BasePage } from '../compiled-state.js';
import type { PageBox } from '../coordinates.js';
import type { AddedPage } from './canvas.js';
import { RawObject, latin1, preparePage, type PreparedPage } from './page-bytes.js';
import { effectiveResources, fromPageOrAncestors } from './page-update.js';

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

/** What a copy of `src` takes besides its content and resources: its own entries, and the inherited ones made explicit. */
function copiedEntries(src: PDFDict): [PDFName, PDFObject][] {
  const out: [PDFName, PDFObject][] = src.entries().filter(([k]) => !NOT_COPIED.has(k.asString()));
  for (const key of INHERITED) {
    const name = PDFName.of(key);
    if (src.has(name)) continue;
    const v = fromPageOrAncestors(src, (node) => node.get(name));
    if (v) out.push([name, v]);
  }
  return out;
}

const boxArray = (b: PageBox): string => `[${b.x} ${b.y} ${b.x + b.width} ${b.y + b.height}]`;

/** The serialised parts of an added page, as writePages takes them (see PreparedPage). */
export function prepareAddedPage(pages: readonly BasePage[], added: AddedPage, parent: PDFRef, blankBox: PageBox): PreparedPage {
  const head = `/Type /Page\n/Parent ${parent.toString()}\n`;
  if (added.source === 'blank') {
    // In points, without /UserUnit: the blank page is the size of the one it follows.
    return { head: `${head}/MediaBox ${boxArray(blankBox)}\n`, unit: 1, contents: '', ownResources: undefined, group: '', base: undefined };
  }
  const source = pages[added.source];
  const prepared = (source.prepared ??= preparePage(source.dict));
  const res = effectiveResources(source.dict);
  return {
    head:
      head +
      copiedEntries(source.dict)
        .map(([k, v]) => `${latin1(k)} ${latin1(v)}\n`)
        .join(''),
    unit: prepared.unit,
    contents: prepared.contents,
    ownResources: res ? latin1(res) : undefined,
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
 * page they follow, and every ancestor's /Count grows. `refs` are the added pages' objects;
 * `slotOf` gives the tree slot of the base page each follows.
 */
export function writeTreeUpdates(
  overlay: PDFContext,
  pages: readonly BasePage[],
  added: readonly AddedPage[],
  refs: PDFRef[],
  slotOf: (after: number) => TreeSlot,
): void {
  const kidsAfter = new Map<PDFDict, Map<PDFRef, PDFRef[]>>();
  const extraCount = new Map<PDFDict, { ref: PDFRef; n: number }>();
  added.forEach((a, i) => {
    const slot = slotOf(a.after);
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
      text += `${latin1(k)} ${latin1(v)}\n`;
    }
    const kids = (dict.lookup(PDFName.of('Kids')) as PDFArray).asArray();
    const insert = kidsAfter.get(dict);
    const out: string[] = [];
    for (const kid of kids) {
      out.push(latin1(kid));
      const more = kid instanceof PDFRef ? insert?.get(kid) : undefined;
      if (more) out.push(...more.map((r) => r.toString()));
    }
    const count = (dict.lookup(PDFName.of('Count')) as PDFNumber).asNumber() + n;
    overlay.assign(ref, new RawObject(`${text}/Kids [${out.join(' ')}]\n/Count ${count}\n>>`));
  }
}

/**
 * The rewrite path: inserts each added page into the parsed document at its place in the output
 * (`order`: canvas index → 1-based page number, DocumentCanvas.outputOrder) and returns the
 * document's pages by canvas index (base pages first, then the added ones).
 */
export function insertAddedPages(
  doc: PDFPage['doc'],
  added: readonly AddedPage[],
  order: ReadonlyMap<number, number>,
  blankBox: (after: number) => PageBox,
): PDFPage[] {
  const base = doc.getPages();
  const byIndex = [...base];
  const ctx = doc.context;
  // In output order, each insertion lands at its final number: everything before it is in place.
  for (const a of [...added].sort((x, y) => order.get(x.index)! - order.get(y.index)!)) {
    const parent = base[a.after].node.get(PDFName.of('Parent'));
    const leaf = PDFPageLeaf.withContextAndParent(
      ctx,
      parent instanceof PDFRef ? parent : (doc.catalog.get(PDFName.of('Pages')) as PDFRef),
    );
    if (a.source === 'blank') {
      const b = blankBox(a.after);
      leaf.set(PDFName.of('MediaBox'), ctx.obj([b.x, b.y, b.x + b.width, b.y + b.height]));
    } else {
      const src = base[a.source].node;
      for (const [k, v] of copiedEntries(src)) leaf.set(k, v);
      const contents = src.get(PDFName.of('Contents'));
      if (contents) leaf.set(PDFName.of('Contents'), contents);
      const res = effectiveResources(src);
      if (res) leaf.set(PDFName.of('Resources'), res);
    }
    const page = PDFPage.of(leaf, ctx.register(leaf), doc);
    doc.insertPage(order.get(a.index)! - 1, page);
    byIndex[a.index] = page;
  }
  return byIndex;
}
