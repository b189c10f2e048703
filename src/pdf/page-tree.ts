import {
  PDFArray,
  PDFCatalog,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFPageLeaf,
  PDFPageTree,
  PDFRef,
  type PDFContext,
  type PDFDocument,
  type PDFObject,
} from 'pdf-lib';
import { PdfError } from './errors.js';

/** What pdf.js assumes for a page with no usable MediaBox anywhere in its tree: US Letter. */
export const DEFAULT_MEDIA_BOX = [0, 0, 612, 792] as const;

/** Entries a page inherits from its ancestors (PDF 32000-1 §7.7.3.4). */
const INHERITABLE = ['Resources', 'MediaBox', 'CropBox', 'Rotate'] as const;

interface Leaf {
  /** The page object as it stands in the file (its ref when it is an indirect object). */
  ref: PDFRef | undefined;
  dict: PDFDict;
  /** Inheritable entries of its ancestors, nearest first wins. */
  inherited: Map<string, PDFObject>;
}

export interface PageTreeWalk {
  leaves: Leaf[];
  /** Each kind of damage found, in words for the error or the repair note. */
  damage: Set<string>;
}

/**
 * Walks the page tree the way pdf.js does (a node with /Type /Page or without /Kids is a page, any
 * other node with /Kids is an intermediate node, whatever its /Type says), bounded: a node met
 * again is skipped (loops, shared subtrees), and the walk stops past `maxPages` leaves. It records
 * every departure from what pdf-lib's own traversal needs, so the caller knows whether to repair.
 */
export function walkPageTree(doc: PDFDocument, maxPages: number): PageTreeWalk {
  const ctx = doc.context;
  const damage = new Set<string>();
  const leaves: Leaf[] = [];
  const catalog = ctx.lookup(ctx.trailerInfo.Root);
  if (!(catalog instanceof PDFDict)) throw new PdfError('pdf_corrupt', 'The PDF could not be parsed: it has no document catalog');
  if (!(catalog instanceof PDFCatalog)) damage.add('the document catalog has no /Type /Catalog');
  const rootRaw = catalog.get(PDFName.of('Pages'));
  const root = ctx.lookup(rootRaw);
  if (!(root instanceof PDFDict)) throw new PdfError('pdf_corrupt', 'The PDF has no page tree (its catalog names no /Pages dictionary)');
  if (!(rootRaw instanceof PDFRef)) damage.add('the page tree root is not an indirect object');

  const seenNodes = new Set<PDFDict>();
  const seenLeaves = new Set<PDFDict>();
  // parentRef: the ref the parent node was reached through (a kid's /Parent must name it).
  type Item = { obj: PDFObject | undefined; parent: PDFDict | undefined; parentRef: PDFRef | undefined; inherited: Map<string, PDFObject> };
  const stack: Item[] = [{ obj: rootRaw, parent: undefined, parentRef: undefined, inherited: new Map() }];
  let visits = 0;
  while (stack.length > 0) {
    const { obj, parent, parentRef, inherited } = stack.pop()!;
    if (++visits > maxPages * 4 + 1000) throw new PdfError('pdf_corrupt', 'The PDF page tree is malformed (too many intermediate nodes)');
    const ref = obj instanceof PDFRef ? obj : undefined;
    const node = ctx.lookup(obj);
    if (!(node instanceof PDFDict)) {
      damage.add('a page tree entry is not a dictionary');
      continue;
    }
    if (parent && !ref) damage.add('a page tree node is a direct object');
    const type = node.lookup(PDFName.of('Type'));
    const kids = node.lookup(PDFName.of('Kids'));
    if (type === PDFName.of('Page') || !(kids instanceof PDFArray)) {
      if (type !== PDFName.of('Page') || !(node instanceof PDFPageLeaf)) damage.add('a page has no /Type /Page');
      if (!parent) damage.add('the page tree root is a page, not a /Pages node');
      else if (node.get(PDFName.of('Parent')) !== parentRef) damage.add("a page's /Parent is not its page tree node");
      if (seenLeaves.has(node)) damage.add('a page appears twice in the page tree');
      seenLeaves.add(node);
      leaves.push({ ref, dict: node, inherited });
      if (leaves.length > maxPages) {
        // The root's /Count is quoted only when the pages found so far do not contradict it.
        const declared = countOf(root);
        if (declared !== undefined && declared >= leaves.length) {
          throw new PdfError('pdf_too_many_pages', `The PDF has ${declared} pages; the limit is ${maxPages}`, {
            pages: declared,
            limit: maxPages,
          });
        }
        throw new PdfError('pdf_too_many_pages', `The PDF has more than ${maxPages} pages; the limit is ${maxPages}`, { limit: maxPages });
      }
      continue;
    }
    if (seenNodes.has(node)) {
      damage.add('the page tree contains a loop');
      continue;
    }
    seenNodes.add(node);
    if (!(node instanceof PDFPageTree)) damage.add('a page tree node has no /Type /Pages');
    if (parent && node.get(PDFName.of('Parent')) !== parentRef) damage.add("a page tree node's /Parent is wrong");
    const mine = new Map(inherited);
    for (const key of INHERITABLE) {
      const v = node.get(PDFName.of(key));
      if (v !== undefined) mine.set(key, v);
    }
    for (let i = kids.size() - 1; i >= 0; i--) stack.push({ obj: kids.get(i), parent: node, parentRef: ref, inherited: mine });
  }
  if (leaves.length === 0) throw new PdfError('pdf_corrupt', 'The PDF has no pages (its page tree is empty)');
  // A /Count that disagrees with the leaves (too big or too small) is repaired, not believed.
  if (countOf(root) !== leaves.length) damage.add('the page count (/Count) does not match the pages');
  for (const leaf of leaves) if (!usableBox(effective(ctx, leaf, 'MediaBox'))) damage.add('a page has no usable MediaBox');
  return { leaves, damage };
}

function countOf(node: PDFDict): number | undefined {
  const c = node.lookup(PDFName.of('Count'));
  return c instanceof PDFNumber ? c.asNumber() : undefined;
}

function effective(ctx: PDFContext, leaf: Leaf, key: string): PDFObject | undefined {
  return ctx.lookup(leaf.dict.get(PDFName.of(key)) ?? leaf.inherited.get(key));
}

/** A box of four numbers enclosing some area (a zero-width or empty box shows nothing). */
export function usableBox(obj: PDFObject | undefined): boolean {
  if (!(obj instanceof PDFArray) || obj.size() !== 4) return false;
  const n = obj.asArray().map((x) => (x instanceof PDFNumber ? x.asNumber() : NaN));
  if (n.some((v) => !Number.isFinite(v))) return false;
  return Math.abs(n[2] - n[0]) >= 1 && Math.abs(n[3] - n[1]) >= 1;
}

/**
 * Replaces a damaged page tree by a flat one that pdf-lib (and every viewer) reads: one /Pages root
 * holding the pages found by the walk, in order, each a /Type /Page whose /Parent is that root and
 * which carries its inherited entries itself (it no longer has the old ancestors), a page listed
 * twice copied into its own object, a missing or empty MediaBox set to pdf.js's default, and a
 * catalog with /Type /Catalog. Pages' content and annotations are untouched.
 */
export function rebuildPageTree(doc: PDFDocument, walk: PageTreeWalk): void {
  const ctx = doc.context;
  const rootRef = ctx.trailerInfo.Root instanceof PDFRef ? ctx.trailerInfo.Root : ctx.nextRef();
  const oldCatalog = ctx.lookup(ctx.trailerInfo.Root) as PDFDict;
  const catalog = PDFCatalog.fromMapWithContext(new Map(oldCatalog.entries()), ctx);
  catalog.set(PDFName.of('Type'), PDFName.of('Catalog'));
  const treeRef = ctx.nextRef();
  const kids = PDFArray.withContext(ctx);
  const placed = new Set<PDFDict>();
  for (const leaf of walk.leaves) {
    const entries = new Map(leaf.dict.entries());
    for (const key of INHERITABLE) {
      const name = PDFName.of(key);
      if (!entries.has(name) && leaf.inherited.has(key)) entries.set(name, leaf.inherited.get(key)!);
    }
    if (!usableBox(ctx.lookup(entries.get(PDFName.of('MediaBox'))))) entries.set(PDFName.of('MediaBox'), ctx.obj([...DEFAULT_MEDIA_BOX]));
    entries.set(PDFName.of('Type'), PDFName.of('Page'));
    entries.set(PDFName.of('Parent'), treeRef);
    const page = PDFPageLeaf.fromMapWithContext(entries, ctx, false);
    const reuse = leaf.ref !== undefined && !placed.has(leaf.dict);
    placed.add(leaf.dict);
    const ref = reuse ? leaf.ref! : ctx.nextRef();
    ctx.assign(ref, page);
    kids.push(ref);
  }
  const tree = PDFPageTree.fromMapWithContext(
    new Map<PDFName, PDFObject>([
      [PDFName.of('Type'), PDFName.of('Pages')],
      [PDFName.of('Kids'), kids],
      [PDFName.of('Count'), PDFNumber.of(walk.leaves.length)],
    ]),
    ctx,
  );
  ctx.assign(treeRef, tree);
  catalog.set(PDFName.of('Pages'), treeRef);
  ctx.assign(rootRef, catalog);
  ctx.trailerInfo.Root = rootRef;
}
