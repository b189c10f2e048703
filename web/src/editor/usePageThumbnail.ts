import { useEffect, useRef, useState } from 'react';
import { renderPage, type PDFDocumentProxy } from './pdf.js';

/**
 * Draws page `page` of `doc` into the returned canvas at `widthPx` CSS pixels wide, again when the
 * document or page changes; a render still running when the page changes or the component goes
 * away is cancelled (pdf.js refuses two renders into one canvas). `drawn` turns true once painted.
 */
export function usePageThumbnail(doc: Pick<PDFDocumentProxy, 'getPage'>, page: number, widthPx: number) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    if (!canvas.current) return;
    let cancel: (() => void) | null = null;
    let alive = true;
    void doc
      .getPage(page)
      .then((p) => {
        if (!alive || !canvas.current) return;
        const w = p.getViewport({ scale: 1, rotation: 0 }).width;
        return renderPage(doc, page, canvas.current, widthPx / w, (c) => {
          cancel = c;
          if (!alive) c();
        }).then(() => alive && setDrawn(true));
      })
      .catch(() => undefined);
    return () => {
      alive = false;
      cancel?.();
    };
  }, [doc, page, widthPx]);
  return { canvas, drawn };
}
