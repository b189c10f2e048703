import {
  PDFArray,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFRef,
  PDFStream,
  type PDFDocument,
  type PDFField,
  type PDFObject,
  type PDFPage,
} from 'pdf-lib';

/**
 * Flattening written here rather than pdf-lib's `form.flatten()`, which (2.x) draws a checkbox's
 * on/off state dictionary instead of its chosen stream when /N is an indirect dictionary (poppler:
 * "XObject … is wrong type", the box comes out empty), removes the appearance's ref instead of the
 * widget's from /Annots (dangling annotations: "Invalid XRef entry"), maps appearances by a plain
 * translation (wrong for a /BBox not at 0,0 or a /Matrix of a rotated widget) and rescans every page
 * and object per widget (quadratic in fields). One pass here: each widget's chosen appearance is
 * drawn into its page, mapped onto /Rect as the spec's algorithm says (PDF 32000-1 §12.5.5), then
 * widgets leave /Annots and the form leaves the catalog.
 */

const HIDDEN = 1 << 1;
const NO_VIEW = 1 << 5;

export function flattenFormFields(doc: PDFDocument, fields: readonly PDFField[]): void {
  const ctx = doc.context;
  const pages = doc.getPages();
  const pageOfAnnot = new Map<PDFRef, PDFPage>();
  const pageByRef = new Map<PDFRef, PDFPage>();
  for (const page of pages) {
    pageByRef.set(page.ref, page);
    const annots = page.node.lookup(PDFName.of('Annots'));
    if (!(annots instanceof PDFArray)) continue;
    for (let i = 0; i < annots.size(); i++) {
      const a = annots.get(i);
      if (a instanceof PDFRef && !pageOfAnnot.has(a)) pageOfAnnot.set(a, page);
    }
  }
  const ops = new Map<PDFPage, string[]>();
  const removed = new Set<PDFRef>();
  const removedDirect = new Set<PDFDict>();

  for (const field of fields) {
    const dict = field.acroField.dict;
    const kids = dict.lookup(PDFName.of('Kids'));
    // Widget i of a field is Kids[i] (a field without /Kids is its own widget).
    const widgets: Array<{ ref: PDFRef | undefined; dict: PDFDict }> = [];
    if (kids instanceof PDFArray) {
      for (let i = 0; i < kids.size(); i++) {
        const raw = kids.get(i);
        const w = ctx.lookup(raw);
        if (w instanceof PDFDict) widgets.push({ ref: raw instanceof PDFRef ? raw : undefined, dict: w });
      }
    } else widgets.push({ ref: field.acroField.ref, dict });
    for (const w of widgets) {
      const page = (w.ref && pageOfAnnot.get(w.ref)) ?? pageByRef.get(w.dict.get(PDFName.of('P')) as PDFRef);
      if (w.ref) removed.add(w.ref);
      else removedDirect.add(w.dict);
      if (!page || hidden(w.dict)) continue;
      const ap = chosenAppearance(doc, w.dict);
      const rect = numbers(w.dict.lookup(PDFName.of('Rect')));
      if (!ap || rect.length !== 4) continue;
      const cm = placement(ap.stream, rect);
      if (!cm) continue;
      const name = page.node.newXObject('Flat', ap.ref);
      let list = ops.get(page);
      if (!list) ops.set(page, (list = []));
      list.push(`q ${cm.map(fmt).join(' ')} cm /${name.asString().slice(1)} Do Q`);
    }
  }

  for (const page of pages) {
    const annots = page.node.lookup(PDFName.of('Annots'));
    if (annots instanceof PDFArray) {
      const kept = annots.asArray().filter((a) => !(a instanceof PDFRef ? removed.has(a) : removedDirect.has(a as PDFDict)));
      if (kept.length !== annots.size()) page.node.set(PDFName.of('Annots'), ctx.obj(kept));
    }
    const list = ops.get(page);
    if (!list) continue;
    // The page's own content may leave the graphics state changed: wrap it, then draw.
    const before = ctx.register(ctx.stream('q\n'));
    const after = ctx.register(ctx.stream(`Q\n${list.join('\n')}\n`));
    const contents = page.node.get(PDFName.of('Contents'));
    const resolved = ctx.lookup(contents);
    const parts: PDFObject[] = [before];
    if (resolved instanceof PDFArray) parts.push(...resolved.asArray());
    else if (contents) parts.push(contents);
    parts.push(after);
    page.node.set(PDFName.of('Contents'), ctx.obj(parts));
  }
  doc.catalog.delete(PDFName.of('AcroForm'));
}

function hidden(widget: PDFDict): boolean {
  const f = widget.lookup(PDFName.of('F'));
  return f instanceof PDFNumber && (f.asNumber() & (HIDDEN | NO_VIEW)) !== 0;
}

/**
 * The stream a viewer shows for the widget: /AP /N itself, or — a state dictionary (checkboxes,
 * radios) — the entry its /AS names. A direct stream is registered so a page can refer to it.
 */
function chosenAppearance(doc: PDFDocument, widget: PDFDict): { ref: PDFRef; stream: PDFStream } | undefined {
  const ctx = doc.context;
  const ap = widget.lookup(PDFName.of('AP'));
  if (!(ap instanceof PDFDict)) return undefined;
  let raw: PDFObject | undefined = ap.get(PDFName.of('N'));
  let n = ctx.lookup(raw);
  if (n instanceof PDFDict && !(n instanceof PDFStream)) {
    const as = widget.lookup(PDFName.of('AS'));
    if (!(as instanceof PDFName)) return undefined;
    raw = n.get(as);
    n = ctx.lookup(raw);
  }
  if (!(n instanceof PDFStream)) return undefined;
  if (!n.dict.has(PDFName.of('Subtype'))) n.dict.set(PDFName.of('Subtype'), PDFName.of('Form'));
  return { ref: raw instanceof PDFRef ? raw : ctx.register(n), stream: n };
}

/**
 * The cm that maps the appearance's /BBox (transformed by its /Matrix) onto the widget's /Rect;
 * undefined for a degenerate box.
 */
function placement(stream: PDFStream, rectArr: number[]): number[] | undefined {
  const bbox = numbers(stream.dict.lookup(PDFName.of('BBox')));
  const m = numbers(stream.dict.lookup(PDFName.of('Matrix')));
  const [a, b, c, d, e, f] = m.length === 6 ? m : [1, 0, 0, 1, 0, 0];
  const [x0, y0, x1, y1] = bbox.length === 4 ? bbox : [0, 0, Math.abs(rectArr[2] - rectArr[0]), Math.abs(rectArr[3] - rectArr[1])];
  const corners = [
    [x0, y0],
    [x1, y0],
    [x0, y1],
    [x1, y1],
  ].map(([x, y]) => [a * x + c * y + e, b * x + d * y + f]);
  const bx0 = Math.min(...corners.map((p) => p[0]));
  const bx1 = Math.max(...corners.map((p) => p[0]));
  const by0 = Math.min(...corners.map((p) => p[1]));
  const by1 = Math.max(...corners.map((p) => p[1]));
  const rx0 = Math.min(rectArr[0], rectArr[2]);
  const rx1 = Math.max(rectArr[0], rectArr[2]);
  const ry0 = Math.min(rectArr[1], rectArr[3]);
  const ry1 = Math.max(rectArr[1], rectArr[3]);
  if (bx1 - bx0 < 1e-6 || by1 - by0 < 1e-6 || rx1 - rx0 < 1e-6 || ry1 - ry0 < 1e-6) return undefined;
  const sx = (rx1 - rx0) / (bx1 - bx0);
  const sy = (ry1 - ry0) / (by1 - by0);
  return [sx, 0, 0, sy, rx0 - bx0 * sx, ry0 - by0 * sy];
}

function numbers(obj: PDFObject | undefined): number[] {
  if (!(obj instanceof PDFArray)) return [];
  const out = obj.asArray().map((x) => (x instanceof PDFNumber ? x.asNumber() : NaN));
  return out.every(Number.isFinite) ? out : [];
}

function fmt(n: number): string {
  return String(Math.round(n * 10000) / 10000);
}
