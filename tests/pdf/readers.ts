import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { loadPdfJs } from '../helpers/pdfjs.js';

const run = promisify(execFile);

export interface ReaderCounts {
  pdfjs: number;
  pdfLib: number;
  poppler: number;
  /** What poppler printed on stderr (syntax errors, "XObject … is wrong type"). */
  popplerErrors: string;
}

/**
 * The page count three independent readers see: pdf.js (every page fetched, not only counted),
 * pdf-lib, and poppler's pdfinfo, with poppler's complaints for tests that must see none.
 */
export async function pageCounts(bytes: Uint8Array): Promise<ReaderCounts> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 });
  let jsPages: number;
  try {
    const doc = await task.promise;
    for (let i = 1; i <= doc.numPages; i++) await doc.getPage(i);
    jsPages = doc.numPages;
  } finally {
    await task.destroy();
  }
  const pdfLib = (await PDFDocument.load(bytes, { updateMetadata: false })).getPageCount();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'readers-'));
  try {
    const file = path.join(dir, 'in.pdf');
    writeFileSync(file, bytes);
    const info = await run('pdfinfo', [file], { encoding: 'utf8' });
    const poppler = Number(/^Pages:\s+(\d+)/m.exec(info.stdout)?.[1] ?? NaN);
    // pdftotext reads every page's content and resources: broken references show up on stderr.
    const text = await run('pdftotext', [file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { pdfjs: jsPages, pdfLib, poppler, popplerErrors: `${info.stderr}${text.stderr}`.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
