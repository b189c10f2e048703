import { PDFRef, type PDFContext, type PDFDocument, type PDFField, type PDFObject, type PDFPage, type PDFWidgetAnnotation } from 'pdf-lib';
import { toUserRect, type Rect } from '../coordinates.js';
import type { PreparedField } from './draw.js';

// pdf-lib's context.getObjectRef scans every indirect object: called for each widget of each
// field it made filling a 726-field form quadratic. The reverse index is built once per document
// (objects added later are not in it: those fall back to the scan).
const refIndex = new WeakMap<PDFContext, Map<PDFObject, PDFRef>>();

function refOf(doc: PDFDocument, obj: PDFObject): PDFRef | undefined {
  let index = refIndex.get(doc.context);
  if (!index) {
    index = new Map();
    for (const [ref, o] of doc.context.enumerateIndirectObjects()) index.set(o, ref);
    refIndex.set(doc.context, index);
  }
  return index.get(obj) ?? doc.context.getObjectRef(obj);
}

/** Below this (points) a box counts as where the widget is: imported rectangles are rounded. */
const SAME_PLACE_TOLERANCE = 0.5;

/**
 * Puts the base PDF's widget that an imported field stands for (advanced.acroFormWidget) at the
 * field's box: the studio lets users move and resize imported fields, and the output must follow.
 * Moves the widget to another page when the field was moved there. Fields linked without a widget
 * index keep the widget where the PDF has it (their box may never have matched it).
 *
 * Returns whether the widget's size changed: its existing appearance streams were drawn for the old
 * size (pdf-lib's flatten only translates them), so the caller regenerates them.
 */
export function placeWidget(doc: PDFDocument, formField: PDFField, p: PreparedField): boolean {
  const index = p.field.advanced.acroFormWidget;
  if (index === undefined) return false;
  const widgets = formField.acroField.getWidgets();
  const widget = widgets[index];
  if (!widget) return false;
  const { field } = p;
  const target = toUserRect(p.pageBox, { x: field.position.x, y: field.position.y, width: field.size.width, height: field.size.height });
  const page = doc.getPage(p.pageIndex);
  const now = widget.getRectangle();
  const resized = !near(now.width, target.width) || !near(now.height, target.height);
  // The common case (the field was not moved) must stay cheap: no search of other pages.
  if (!resized && near(now.x, target.x) && near(now.y, target.y) && holds(page, widgetRef(formField, index))) return false;
  const current = pageHolding(doc, widget);
  // Widgets stacked exactly on this one (same page, same box) were imported as this one field: they
  // move with it, or the old place would still show the value.
  const stacked = widgets.filter((w) => w !== widget && sameBox(w.getRectangle(), now) && pageHolding(doc, w) === current);
  for (const w of [widget, ...stacked]) moveWidget(doc, w, current, page, target);
  return resized;
}

const near = (a: number, b: number) => Math.abs(a - b) <= SAME_PLACE_TOLERANCE;
const sameBox = (a: Rect, b: Rect) => near(a.x, b.x) && near(a.y, b.y) && near(a.width, b.width) && near(a.height, b.height);

function moveWidget(doc: PDFDocument, widget: PDFWidgetAnnotation, from: PDFPage | undefined, to: PDFPage, rect: Rect): void {
  const ref = refOf(doc, widget.dict);
  if (from !== to && ref) {
    from?.node.removeAnnot(ref);
    to.node.addAnnot(ref);
    widget.setP(to.ref);
  }
  widget.setRectangle(rect);
}

/** Widget i of a field is its /Kids[i] (a field without /Kids is its own widget). */
function widgetRef(formField: PDFField, index: number): PDFRef | undefined {
  const kids = formField.acroField.Kids();
  if (!kids) return formField.acroField.ref;
  const ref = kids.get(index);
  return ref instanceof PDFRef ? ref : undefined;
}

function holds(page: PDFPage, ref: PDFRef | undefined): boolean {
  return ref !== undefined && (page.node.Annots()?.asArray().includes(ref) ?? false);
}

/** The page whose /Annots hold the widget (its /P entry is optional and sometimes wrong). */
function pageHolding(doc: PDFDocument, widget: PDFWidgetAnnotation): PDFPage | undefined {
  const ref = refOf(doc, widget.dict);
  if (!ref) return undefined;
  const pages = doc.getPages();
  const holds = (pg: PDFPage) =>
    pg.node
      .Annots()
      ?.asArray()
      .some((a) => a === ref) ?? false;
  const declared = widget.P();
  const byP = declared ? pages.find((pg) => pg.ref === declared) : undefined;
  return byP && holds(byP) ? byP : pages.find(holds);
}
