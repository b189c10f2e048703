import type { PDFPage } from 'pdf-lib';
import type { FontRegistry } from '../fonts/registry.js';
import type { DocumentCanvas } from './canvas.js';
import { n } from './canvas.js';
import { shape } from './text-layout.js';

/** A light diagonal text across the page (test runs), drawn last, over everything. */
export function drawWatermark(doc: DocumentCanvas, pageIndex: number, page: PDFPage, fonts: FontRegistry, text: string): void {
  const chain = fonts.chain('Liberation Sans', true, false);
  const glyphs = shape(text, chain, { fieldId: 'watermark', name: 'testWatermark' });
  const box = page.getCropBox();
  const diag = Math.hypot(box.width, box.height);
  const width1000 = glyphs.reduce((a, g) => a + g.adv, 0) || 1;
  const size = Math.min(120, (diag * 0.7 * 1000) / width1000);
  const a = Math.atan2(box.height, box.width);
  const c = Math.cos(a);
  const s = Math.sin(a);
  const pc = doc.page(pageIndex);
  const w = (width1000 * size) / 1000;
  pc.push('q', `${n(c)} ${n(s)} ${n(-s)} ${n(c)} ${n(box.x + box.width / 2)} ${n(box.y + box.height / 2)} cm`, '0.85 0.2 0.2 rg', 'BT');
  let x = -w / 2;
  for (const g of glyphs) {
    const { res, hex } = doc.showText(pc, g.face, [g.cp]);
    pc.push(`/${res} ${n(size)} Tf`, `1 0 0 1 ${n(x)} ${n(-size / 3)} Tm`, `<${hex}> Tj`);
    x += (g.adv * size) / 1000;
  }
  pc.push('ET', 'Q');
}
