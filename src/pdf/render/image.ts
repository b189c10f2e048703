import { createHash } from 'node:crypto';
import { PromiseCache } from '@/shared/promise-cache.js';
import { JpegEmbedder, PngEmbedder, type PDFRef } from 'pdf-lib';
import { PdfError } from '../errors.js';
import type { EngineField, RenderLimits } from '../types.js';
import { DEFAULT_MAX_SIGNATURE_POINTS } from '../validate/values.js';
import { readImageHeader } from './image-header.js';
import type { DocumentCanvas, PageCanvas } from './canvas.js';
import { n, parseColor, stroke } from './canvas.js';

/** Image and signature fields. Images are PNG/JPEG (data URL, base64 or bytes). */

function invalid(field: EngineField, message: string): PdfError {
  return new PdfError('image_invalid', `Field "${field.name}" (${field.bindingKey}): ${message}`, {
    fieldId: field.fieldId,
    bindingKey: field.bindingKey,
  });
}

export function imageBytes(field: EngineField, value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value !== 'string') throw invalid(field, 'expected an image as a data URL or base64 string');
  const m = /^data:([^;,]*)(;base64)?,/.exec(value);
  const b64 = m ? value.slice(m[0].length) : value;
  if (m && !m[2]) throw invalid(field, 'data URL is not base64');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** A drawn image is at most this many pixels (25 MP: a 5000×5000 photo) unless the caller says otherwise. */
export const DEFAULT_MAX_IMAGE_PIXELS = 25_000_000;
/** …and decodes to at most this many bytes (PNGs are expanded to RGBA when embedded). */
export const DEFAULT_MAX_IMAGE_BYTES = 128 * 1024 * 1024;

/**
 * Refuses an image by what its header declares, before anything is decoded: the dimensions against
 * the pixel budget and the decoded size against the byte budget.
 */
export function checkImageBudget(field: EngineField, bytes: Uint8Array, limits: RenderLimits = {}): void {
  const header = readImageHeader(bytes);
  if ('problem' in header) throw invalid(field, header.problem);
  const { width, height, format } = header;
  if (width === 0 || height === 0) throw invalid(field, `the ${format.toUpperCase()} declares an empty size (${width}×${height})`);
  const maxPixels = limits.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  const maxBytes = limits.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const pixels = width * height;
  const decoded = pixels * header.bytesPerPixel;
  if (pixels > maxPixels || decoded > maxBytes) {
    throw new PdfError(
      'image_too_large',
      `Field "${field.name}" (${field.bindingKey}): the ${format.toUpperCase()} declares ${width}×${height} pixels ` +
        `(${Math.ceil(decoded / 1048576)} MB decoded); the most an image may have is ${maxPixels} pixels and ${Math.floor(maxBytes / 1048576)} MB`,
      { fieldId: field.fieldId, bindingKey: field.bindingKey, width, height, maxPixels, maxBytes },
    );
  }
}

type Embedder = PngEmbedder | JpegEmbedder;
// Decoding a PNG is the costly part; the same logo in every record is decoded once. Small on
// purpose: a logo repeats across records, a signature does not.
const decoded = new PromiseCache<Embedder>({ max: 16 });

const embeddedIn = new WeakMap<DocumentCanvas, Map<Embedder, PDFRef>>();

function embedder(field: EngineField, bytes: Uint8Array, limits: RenderLimits): Promise<Embedder> {
  checkImageBudget(field, bytes, limits);
  const key = createHash('sha1').update(bytes).digest('base64');
  return decoded.getOrCreate(key, async () => {
    try {
      if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return await PngEmbedder.for(bytes);
      if (bytes[0] === 0xff && bytes[1] === 0xd8) return await JpegEmbedder.for(bytes);
    } catch (e) {
      throw invalid(field, `unreadable image (${(e as Error).message})`);
    }
    throw invalid(field, 'not a PNG or JPEG image');
  });
}

export async function drawImage(
  doc: DocumentCanvas,
  page: PageCanvas,
  field: EngineField,
  value: unknown,
  w: number,
  h: number,
  limits: RenderLimits = {},
): Promise<void> {
  const emb = await embedder(field, imageBytes(field, value), limits);
  // One image object per document however often it is drawn (the same logo in every cell of a group).
  let refs = embeddedIn.get(doc);
  if (!refs) embeddedIn.set(doc, (refs = new Map()));
  let ref = refs.get(emb);
  if (!ref) refs.set(emb, (ref = await emb.embedIntoContext(doc.context)));
  const name = doc.addXObject(page, ref);
  const iw = emb.width;
  const ih = emb.height;
  let dw = w;
  let dh = h;
  if (field.advanced.imageFit !== 'stretch') {
    const s = field.advanced.imageFit === 'contain' ? Math.min(w / iw, h / ih) : Math.max(w / iw, h / ih);
    dw = iw * s;
    dh = ih * s;
  }
  // Centred; clipped to the box (matters for cover).
  page.push('q', `0 0 ${n(w)} ${n(h)} re W n`, `${n(dw)} 0 0 ${n(dh)} ${n((w - dw) / 2)} ${n((h - dh) / 2)} cm`, `/${name} Do`, 'Q');
}

type Point = { x: number; y: number } | [number, number];

/**
 * Drawn signature: `{strokes: [[{x,y}|[x,y], …], …]}` or the array itself, field-relative points
 * from the top-left. Read with plain loops and a bound on the points, so a hostile value of
 * hundreds of thousands of points is refused instead of exhausting the stack or the page.
 */
export function signatureStrokes(field: EngineField, value: unknown, limits: RenderLimits = {}): [number, number][][] | undefined {
  const raw = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as { strokes?: unknown }).strokes)
      ? (value as { strokes: unknown[] }).strokes
      : undefined;
  if (!raw) return undefined;
  const max = limits.maxSignaturePoints ?? DEFAULT_MAX_SIGNATURE_POINTS;
  let count = 0;
  const out: [number, number][][] = [];
  for (const s of raw) {
    if (!Array.isArray(s)) throw invalid(field, 'a signature stroke must be an array of points');
    count += s.length;
    if (count > max) throw invalid(field, `the signature has more than ${max} points`);
    const pts: [number, number][] = [];
    for (const p of s as Point[]) {
      const xy = Array.isArray(p) ? p : [p?.x, p?.y];
      if (!Number.isFinite(xy[0]) || !Number.isFinite(xy[1])) throw invalid(field, 'a signature point must be {x, y} or [x, y] numbers');
      pts.push([xy[0], xy[1]]);
    }
    out.push(pts);
  }
  return out;
}

export async function drawSignature(
  doc: DocumentCanvas,
  page: PageCanvas,
  field: EngineField,
  value: unknown,
  w: number,
  h: number,
  limits: RenderLimits = {},
): Promise<void> {
  const strokes = signatureStrokes(field, value, limits);
  if (!strokes) return drawImage(doc, page, field, value, w, h, limits);
  const c = parseColor(field.style.textColor) ?? [0, 0, 0];
  const lw = Math.max(0.5, Math.min(w, h) / 40);
  const path: string[] = [];
  for (const s of strokes) {
    if (s.length === 0) continue;
    path.push(`${n(s[0][0])} ${n(h - s[0][1])} m`);
    // A single point is drawn as a dot (zero-length segment with round caps).
    if (s.length === 1) path.push(`${n(s[0][0])} ${n(h - s[0][1])} l`);
    for (let i = 1; i < s.length; i++) path.push(`${n(s[i][0])} ${n(h - s[i][1])} l`);
  }
  // One operator string for the whole path: spreading one argument per point overflows the stack.
  page.push('q', `0 0 ${n(w)} ${n(h)} re W n`, stroke(c), `${n(lw)} w 1 J 1 j`, path.join('\n'), 'S', 'Q');
}
