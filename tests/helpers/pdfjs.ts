import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';

export type PdfJs = typeof PdfJsModule;
let loaded: Promise<PdfJs> | undefined;

/**
 * pdf.js's legacy build for Node, loaded once per process: the one loader the readback helpers,
 * the browser tests and the bench's correctness gate share. pdfjs-dist 6 calls
 * Promise.withResolvers (Node ≥ 22); on Node 20 it is polyfilled first.
 */
export function loadPdfJs(): Promise<PdfJs> {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  P.withResolvers ??= () => {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  return (loaded ??= import('pdfjs-dist/legacy/build/pdf.mjs'));
}
