import { PDFDocument } from 'pdf-lib';
import { renderPageToPng, type RenderedPage } from '../../helpers/pdf-readback.js';

/** Share of dark pixels (any channel < 128) inside a top-left rect in points of a page rendered at `dpi`. */
export function inkIn(page: RenderedPage, rect: { x: number; y: number; width: number; height: number }, dpi = 72): number {
  const k = dpi / 72;
  const x0 = Math.max(0, Math.floor(rect.x * k));
  const y0 = Math.max(0, Math.floor(rect.y * k));
  const x1 = Math.min(page.width, Math.ceil((rect.x + rect.width) * k));
  const y1 = Math.min(page.height, Math.ceil((rect.y + rect.height) * k));
  let dark = 0;
  let all = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * page.width + x) * 4;
      all++;
      if (page.data[i] < 128 || page.data[i + 1] < 128 || page.data[i + 2] < 128) dark++;
    }
  }
  return all === 0 ? 0 : dark / all;
}

export async function render(bytes: Uint8Array, page = 1, dpi = 72): Promise<RenderedPage> {
  return renderPageToPng(bytes, page, dpi);
}

/** The widget rectangles of a field in pdf-lib's reading, top-left points of page 1. */
export async function widgetRects(bytes: Uint8Array, name: string) {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const h = doc.getPage(0).getHeight();
  return doc
    .getForm()
    .getField(name)
    .acroField.getWidgets()
    .map((w) => {
      const r = w.getRectangle();
      return { x: r.x, y: h - r.y - r.height, width: r.width, height: r.height };
    });
}
