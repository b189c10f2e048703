/**
 * Reading generated PDFs back for tests: text with positions (pdf.js), form fields (pdf-lib),
 * page images (poppler's pdftoppm), image comparison with committed references (pixelmatch),
 * and barcode decoding from rendered pixels (@zxing/library, jsQR). Positions are in the
 * product's coordinates: points from the top-left of the page's visible box.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } from '@zxing/library';
import jsQR from 'jsqr';
import { PDFCheckBox, PDFDocument, PDFDropdown, PDFRadioGroup, PDFTextField } from 'pdf-lib';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { loadPdfJs } from './pdfjs.js';

const run = promisify(execFile);

export interface TextItem {
  str: string;
  /** left edge of the text run */
  x: number;
  /** baseline, from the top of the page */
  baseline: number;
  width: number;
  fontSize: number;
  fontName: string;
}

/** Text runs of a page (1-based) with positions in top-left points. */
export async function extractText(bytes: Uint8Array, pageNumber = 1): Promise<TextItem[]> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({ data: new Uint8Array(bytes), disableFontFace: true, useSystemFonts: false, verbosity: 0 });
  const doc = await task.promise;
  try {
    const page = await doc.getPage(pageNumber);
    const [x0, , , y1] = page.view; // [xMin yMin xMax yMax] of the crop box
    const content = await page.getTextContent();
    const items: TextItem[] = [];
    for (const it of content.items) {
      if (!('str' in it) || it.str === '') continue;
      const [a, b, , , e, f] = it.transform as number[];
      items.push({ str: it.str, x: e - x0, baseline: y1 - f, width: it.width, fontSize: Math.hypot(a, b), fontName: it.fontName });
    }
    return items;
  } finally {
    await task.destroy();
  }
}

/** Text runs grouped into lines (same baseline), each line's runs joined left to right; a space only where there is a gap. */
export function joinLines(items: TextItem[]): TextItem[] {
  const lines: TextItem[][] = [];
  for (const it of [...items].sort((p, q) => p.baseline - q.baseline)) {
    const line = lines.find((l) => Math.abs(l[0].baseline - it.baseline) < 1.5);
    if (line) line.push(it);
    else lines.push([it]);
  }
  return lines.map((l) => {
    l.sort((p, q) => p.x - q.x);
    let str = l[0].str;
    for (let i = 1; i < l.length; i++) {
      const gap = l[i].x - (l[i - 1].x + l[i - 1].width);
      str += (gap > l[i].fontSize * 0.15 && !str.endsWith(' ') && !l[i].str.startsWith(' ') ? ' ' : '') + l[i].str;
    }
    const last = l[l.length - 1];
    return { ...l[0], str, width: last.x + last.width - l[0].x };
  });
}

/** All text of a page, line by line (top to bottom), separated by newlines. */
export async function pageText(bytes: Uint8Array, pageNumber = 1): Promise<string> {
  return joinLines(await extractText(bytes, pageNumber))
    .map((l) => l.str)
    .join('\n');
}

/** Runs whose text contains `s`, merged per line (pdf.js may split a line into several runs). */
export async function findText(bytes: Uint8Array, s: string, pageNumber = 1): Promise<TextItem | undefined> {
  const items = await extractText(bytes, pageNumber);
  const direct = items.find((i) => i.str.includes(s));
  if (direct) return direct;
  return joinLines(items).find((l) => l.str.includes(s));
}

export interface FormFieldInfo {
  name: string;
  type: 'text' | 'checkbox' | 'radio' | 'dropdown' | 'other';
  value: string | boolean | string[] | undefined;
  /** first widget, top-left points */
  rect?: { x: number; y: number; width: number; height: number };
}

export async function readFormFields(bytes: Uint8Array): Promise<FormFieldInfo[]> {
  const doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false });
  const form = doc.getForm();
  const page0 = doc.getPage(0);
  const box = page0.getCropBox();
  return form.getFields().map((f) => {
    const w = f.acroField.getWidgets()[0];
    const r = w?.getRectangle();
    const rect = r ? { x: r.x - box.x, y: box.y + box.height - r.y - r.height, width: r.width, height: r.height } : undefined;
    if (f instanceof PDFTextField) return { name: f.getName(), type: 'text', value: f.getText(), rect };
    if (f instanceof PDFCheckBox) return { name: f.getName(), type: 'checkbox', value: f.isChecked(), rect };
    if (f instanceof PDFRadioGroup) return { name: f.getName(), type: 'radio', value: f.getSelected(), rect };
    if (f instanceof PDFDropdown) return { name: f.getName(), type: 'dropdown', value: f.getSelected(), rect };
    return { name: f.getName(), type: 'other', value: undefined, rect };
  });
}

export interface RenderedPage {
  png: Buffer;
  width: number;
  height: number;
  /** RGBA */
  data: Buffer;
}

/** Renders one page (1-based) to PNG with poppler at `dpi`. */
export async function renderPageToPng(bytes: Uint8Array, pageNumber = 1, dpi = 72): Promise<RenderedPage> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pdfrender-'));
  try {
    const input = path.join(dir, 'in.pdf');
    writeFileSync(input, bytes);
    await run('pdftoppm', [
      '-png',
      '-r',
      String(dpi),
      '-f',
      String(pageNumber),
      '-l',
      String(pageNumber),
      '-singlefile',
      '-aa',
      'yes',
      '-aaVector',
      'yes',
      input,
      path.join(dir, 'out'),
    ]);
    const png = readFileSync(path.join(dir, 'out.png'));
    const img = PNG.sync.read(png);
    return { png, width: img.width, height: img.height, data: img.data };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const hasPdftoppm = (): boolean => ['/usr/bin/pdftoppm', '/usr/local/bin/pdftoppm'].some((p) => existsSync(p));

export interface ImageComparison {
  diffPixels: number;
  ratio: number;
  /** the reference was (re)written (UPDATE_REFERENCES=1 or missing reference) */
  updated: boolean;
}

/**
 * Compares a rendered page with a committed reference PNG. UPDATE_REFERENCES=1 rewrites the
 * reference; a missing reference fails unless updating (so a forgotten file cannot pass).
 */
export function compareImages(actual: RenderedPage, referencePath: string, threshold = 0.1): ImageComparison {
  if (process.env.UPDATE_REFERENCES === '1') {
    mkdirSync(path.dirname(referencePath), { recursive: true });
    writeFileSync(referencePath, actual.png);
    return { diffPixels: 0, ratio: 0, updated: true };
  }
  if (!existsSync(referencePath)) throw new Error(`No reference image ${referencePath}; run with UPDATE_REFERENCES=1 and commit it`);
  const ref = PNG.sync.read(readFileSync(referencePath));
  if (ref.width !== actual.width || ref.height !== actual.height) {
    return { diffPixels: actual.width * actual.height, ratio: 1, updated: false };
  }
  const diff = pixelmatch(ref.data, actual.data, undefined, ref.width, ref.height, { threshold });
  return { diffPixels: diff, ratio: diff / (ref.width * ref.height), updated: false };
}

/** Crops a region (pixels) of a rendered page to RGBA. */
export function crop(
  img: RenderedPage,
  x: number,
  y: number,
  w: number,
  h: number,
): { data: Uint8ClampedArray; width: number; height: number } {
  x = Math.max(0, Math.floor(x));
  y = Math.max(0, Math.floor(y));
  w = Math.min(img.width - x, Math.ceil(w));
  h = Math.min(img.height - y, Math.ceil(h));
  const out = new Uint8ClampedArray(w * h * 4);
  for (let row = 0; row < h; row++) {
    const s = ((y + row) * img.width + x) * 4;
    out.set(img.data.subarray(s, s + w * 4), row * w * 4);
  }
  return { data: out, width: w, height: h };
}

const ZX: Record<string, BarcodeFormat> = {
  qrcode: BarcodeFormat.QR_CODE,
  code128: BarcodeFormat.CODE_128,
  ean13: BarcodeFormat.EAN_13,
  datamatrix: BarcodeFormat.DATA_MATRIX,
  pdf417: BarcodeFormat.PDF_417,
};

/** Decodes the barcode in an RGBA image; QR via jsQR, everything else via ZXing. */
export function decodeBarcode(
  img: { data: Uint8ClampedArray | Buffer; width: number; height: number },
  format: string,
): string | undefined {
  if (format === 'qrcode') {
    const r = jsQR(new Uint8ClampedArray(img.data), img.width, img.height);
    if (r) return r.data;
  }
  const lum = new Uint8ClampedArray(img.width * img.height);
  for (let i = 0; i < lum.length; i++) lum[i] = (img.data[i * 4] * 299 + img.data[i * 4 + 1] * 587 + img.data[i * 4 + 2] * 114) / 1000;
  const reader = new MultiFormatReader();
  const hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, [ZX[format]]],
    [DecodeHintType.TRY_HARDER, true],
  ]);
  reader.setHints(hints);
  try {
    const src = new RGBLuminanceSource(lum, img.width, img.height);
    return reader.decode(new BinaryBitmap(new HybridBinarizer(src))).getText();
  } catch {
    return undefined;
  }
}
