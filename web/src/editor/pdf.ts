import type { PDFDocumentProxy } from 'pdfjs-dist';
// Vite copies the worker into the build and gives its URL: pdf.js parses off the main thread.
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

export type { PDFDocumentProxy };

/** Loaded on first use: pdf.js is a large chunk the sign-in and dashboard screens do not need. */
export async function openPdf(bytes: ArrayBuffer): Promise<PDFDocumentProxy> {
  const { getDocument, GlobalWorkerOptions } = await import('pdfjs-dist');
  GlobalWorkerOptions.workerSrc = workerUrl;
  return getDocument({ data: new Uint8Array(bytes) }).promise;
}

/** Page sizes in points of the visible box (CropBox), unrotated: the editor's coordinate space. */
export async function pageSizes(doc: PDFDocumentProxy): Promise<{ width: number; height: number }[]> {
  const out = [];
  for (let i = 1; i <= doc.numPages; i += 1) {
    const page = await doc.getPage(i);
    const vp = page.getViewport({ scale: 1, rotation: 0 });
    out.push({ width: vp.width, height: vp.height });
  }
  return out;
}

/**
 * Renders page `pageNumber` into `canvas` at `zoom` CSS px per point, sharp on high-DPI screens.
 * Rotation 0: fields are placed on the unrotated page (the product's coordinate convention).
 * `isCancelled` is checked before drawing; `onTask` receives the pdf.js task so the caller can cancel
 * it (pdf.js refuses two renders into one canvas at once).
 */
export async function renderPage(
  doc: Pick<PDFDocumentProxy, 'getPage'>,
  pageNumber: number,
  canvas: HTMLCanvasElement,
  zoom: number,
  onTask: (cancel: () => void) => void,
): Promise<void> {
  const page = await doc.getPage(pageNumber);
  const dpr = window.devicePixelRatio || 1;
  const viewport = page.getViewport({ scale: zoom * dpr, rotation: 0 });
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.style.width = `${viewport.width / dpr}px`;
  canvas.style.height = `${viewport.height / dpr}px`;
  const task = page.render({ canvas, viewport });
  onTask(() => task.cancel());
  await task.promise.catch((err: unknown) => {
    if (!(err instanceof Error && err.name === 'RenderingCancelledException')) throw err;
  });
}
