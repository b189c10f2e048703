import type { PDFDocument, PDFField, PDFPage, PDFRef, PDFWidgetAnnotation } from 'pdf-lib';
import { toPdfRect } from '../coordinates.js';
import type { PreparedField } from './draw.js';

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
  const widget = formField.acroField.getWidgets()[index];
  if (!widget) return false;
  const { field } = p;
  const target = toPdfRect(p.pageBox, { x: field.position.x, y: field.position.y, width: field.size.width, height: field.size.height });
  const page = doc.getPage(p.pageIndex);
  const ref = doc.context.getObjectRef(widget.dict);
  const current = ref ? pageHolding(doc, widget, ref) : undefined;
  const now = widget.getRectangle();
  const near = (a: number, b: number) => Math.abs(a - b) <= SAME_PLACE_TOLERANCE;
  const resized = !near(now.width, target.width) || !near(now.height, target.height);
  const samePage = current === page;
  if (samePage && !resized && near(now.x, target.x) && near(now.y, target.y)) return false;
  if (!samePage && ref) {
    current?.node.removeAnnot(ref);
    page.node.addAnnot(ref);
    widget.setP(page.ref);
  }
  widget.setRectangle(target);
  return resized;
}

/** The page whose /Annots hold the widget (its /P entry is optional and sometimes wrong). */
function pageHolding(doc: PDFDocument, widget: PDFWidgetAnnotation, ref: PDFRef): PDFPage | undefined {
  const pages = doc.getPages();
  const holds = (pg: PDFPage) => pg.node.Annots()?.asArray().some((a) => a === ref) ?? false;
  const declared = widget.P();
  const byP = declared ? pages.find((pg) => pg.ref === declared) : undefined;
  return byP && holds(byP) ? byP : pages.find(holds);
}
