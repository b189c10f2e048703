import { z } from 'zod';

/**
 * Value checks per field type, each answering "is this value acceptable as X" and, where useful,
 * the normalised value. Pure functions; the error codes are chosen by the caller (index.ts).
 */

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** A finite number, or a string holding one (`"12.5"`, `" -3 "`, `"1e3"`); else undefined. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMERIC.test(v.trim())) {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

// ISO 8601 calendar date, optionally with a time and zone; zod's iso validators check real calendars.
const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true, local: true });

/** An ISO 8601 date (`2024-02-29`) or date-time (`2024-02-29T10:00:00Z`, with offset or local); else undefined. */
export function asIsoDate(v: unknown): Date | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (isoDate.safeParse(s).success) {
    const d = new Date(`${s}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  if (isoDateTime.safeParse(s).success) {
    // Local date-times (no zone) are read as UTC so that range checks do not depend on the server's zone.
    const hasZone = /(z|[+-]\d{2}:?\d{2})$/i.test(s);
    const d = new Date(hasZone ? s : `${s}Z`);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

const TRUE_WORDS = ['true', 'yes', 'y', 'on', '1', 'x', 'checked'];
const FALSE_WORDS = ['false', 'no', 'n', 'off', '0', '', 'unchecked'];

/** Checkbox values: booleans, 0/1, and the usual words; else undefined. */
export function asBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (TRUE_WORDS.includes(s)) return true;
    if (FALSE_WORDS.includes(s)) return false;
  }
  return undefined;
}

const emailSchema = z.email();
export function isEmail(v: string): boolean {
  return emailSchema.safeParse(v.trim()).success;
}

/** Why an image value is unusable, or undefined when it is a PNG or JPEG (data URL or bare base64). */
export function imageProblem(v: unknown): string | undefined {
  if (typeof v !== 'string') return 'expected a PNG or JPEG image as a data URL or base64 string';
  const m = /^data:([^;,]*)(;base64)?,/.exec(v);
  if (m && !m[2]) return 'the data URL is not base64-encoded';
  if (m && m[1] && !/^image\/(png|jpe?g)$/i.test(m[1])) return `the data URL's type ${m[1]} is not image/png or image/jpeg`;
  const b64 = (m ? v.slice(m[0].length) : v).replace(/\s+/g, '');
  if (b64.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) return 'not valid base64';
  const head = Buffer.from(b64.slice(0, 16), 'base64');
  const png = head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47;
  const jpeg = head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
  return png || jpeg ? undefined : 'the data is not a PNG or JPEG image';
}

/** Points of a drawn signature, all strokes together (a hand-drawn one has a few thousand). */
export const DEFAULT_MAX_SIGNATURE_POINTS = 50_000;

/** Drawn signature strokes as the renderer reads them: `[[{x,y}|[x,y], …], …]` or `{strokes: …}`. */
export function strokesProblem(v: unknown, maxPoints = DEFAULT_MAX_SIGNATURE_POINTS): string | undefined {
  const raw = Array.isArray(v)
    ? v
    : v && typeof v === 'object' && Array.isArray((v as { strokes?: unknown }).strokes)
      ? (v as { strokes: unknown[] }).strokes
      : undefined;
  if (!raw) return 'expected an image or {strokes: [[{x, y}, …], …]}';
  let count = 0;
  for (const stroke of raw) {
    if (!Array.isArray(stroke)) return 'each signature stroke must be an array of points';
    count += stroke.length;
    if (count > maxPoints) return `a signature has at most ${maxPoints} points`;
    for (const p of stroke) {
      const xy = Array.isArray(p) ? p : [(p as { x?: unknown } | null)?.x, (p as { y?: unknown } | null)?.y];
      if (!Number.isFinite(xy[0]) || !Number.isFinite(xy[1])) return 'each signature point must be {x, y} or [x, y] numbers';
    }
  }
  return undefined;
}

/** GS1 mod-10 check digit of the first 12 digits of an EAN-13. */
export function ean13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export interface BarcodeProblem {
  code: 'pattern' | 'maxLength';
  message: string;
}

/**
 * Limits of each symbology as bwip-js encodes them: the most a symbol can hold in its largest
 * size (QR version 40-L bytes, Data Matrix 144×144 ASCII, PDF417 text compaction), and the
 * character sets (Code 128: ASCII; EAN-13: digits with a valid check digit).
 */
const BARCODE_MAX: Record<string, number> = { qrcode: 2953, code128: 80, datamatrix: 2335, pdf417: 1850 };

export function barcodeProblem(format: string, text: string): BarcodeProblem | undefined {
  if (format === 'ean13') {
    if (!/^\d{12,13}$/.test(text)) return { code: 'pattern', message: 'an EAN-13 needs 12 digits (check digit added) or 13 digits' };
    if (text.length === 13 && ean13CheckDigit(text) !== Number(text[12])) {
      return { code: 'pattern', message: `the EAN-13 check digit is wrong (expected ${ean13CheckDigit(text)})` };
    }
    return undefined;
  }
  if (format === 'code128' && [...text].some((c) => c.codePointAt(0)! > 127))
    return { code: 'pattern', message: 'Code 128 encodes ASCII characters only' };
  const max = BARCODE_MAX[format];
  const size = format === 'qrcode' ? Buffer.byteLength(text, 'utf8') : [...text].length;
  if (max !== undefined && size > max)
    return {
      code: 'maxLength',
      message: `too long for a ${format} symbol (${size} > ${max}${format === 'qrcode' ? ' bytes' : ' characters'})`,
    };
  return undefined;
}
