import { createHash } from 'node:crypto';
import { PromiseCache } from '@/shared/promise-cache.js';
import { JpegEmbedder, PngEmbedder } from 'pdf-lib';
import { PdfError } from '../errors.js';
import type { EngineField } from '../types.js';
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

type Embedder = PngEmbedder | JpegEmbedder;
// Decoding a PNG is the costly part; the same logo in every record is decoded once. Small on
// purpose: a logo repeats across records, a signature does not.
const decoded = new PromiseCache<Embedder>({ max: 16 });

function embedder(field: EngineField, bytes: Uint8Array): Promise<Embedder> {
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
): Promise<void> {
  const emb = await embedder(field, imageBytes(field, value));
  const ref = await emb.embedIntoContext(doc.context);
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

/** Drawn signature: `{strokes: [[{x,y}|[x,y], …], …]}` or the array itself, field-relative points from the top-left. */
export function signatureStrokes(field: EngineField, value: unknown): [number, number][][] | undefined {
  const raw = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as { strokes?: unknown }).strokes)
      ? (value as { strokes: unknown[] }).strokes
      : undefined;
  if (!raw) return undefined;
  return raw.map((s) => {
    if (!Array.isArray(s)) throw invalid(field, 'a signature stroke must be an array of points');
    return (s as Point[]).map((p) => {
      const xy = Array.isArray(p) ? p : [p?.x, p?.y];
      if (!Number.isFinite(xy[0]) || !Number.isFinite(xy[1])) throw invalid(field, 'a signature point must be {x, y} or [x, y] numbers');
      return [xy[0], xy[1]] as [number, number];
    });
  });
}

export async function drawSignature(
  doc: DocumentCanvas,
  page: PageCanvas,
  field: EngineField,
  value: unknown,
  w: number,
  h: number,
): Promise<void> {
  const strokes = signatureStrokes(field, value);
  if (!strokes) return drawImage(doc, page, { ...field, advanced: { ...field.advanced, imageFit: field.advanced.imageFit } }, value, w, h);
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
  page.push('q', `0 0 ${n(w)} ${n(h)} re W n`, stroke(c), `${n(lw)} w 1 J 1 j`, ...path, 'S', 'Q');
}
