import type { PDFContext, PDFDict, PDFObject } from 'pdf-lib';
import { PDFName, PDFRawStream, PDFRef } from 'pdf-lib';
import { deflateSmall } from '../fonts/embed.js';

/**
 * Incremental update writer (PDF 32000-1 §7.5.6): the generated document is the base file's
 * bytes, untouched, followed by the new and changed objects, a cross-reference section for
 * just those, and a trailer whose /Prev points at the base's last xref. Hand-written because
 * pdf-lib can only re-serialise the whole document, which costs a full parse and write of the
 * base per document; this makes a document cost what its fields cost. The base's xref flavour
 * is kept: an xref stream after an xref-stream file, a classic table otherwise.
 */

export interface BaseXref {
  /** Offset of the base's last cross-reference section (its startxref). */
  startxref: number;
  /** The base's last xref is a stream (PDF 1.5+), so ours is one too. */
  stream: boolean;
  /** The base trailer's /Size: object numbers below it are taken, even those pdf-lib does not
   * keep in memory (object streams, xref streams), so new objects start here at the earliest. */
  size: number;
}

const latin1 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** Finds the base's startxref and xref flavour; undefined when the tail is damaged (the caller then rewrites the file). */
export function readBaseXref(bytes: Uint8Array): BaseXref | undefined {
  const tailStart = Math.max(0, bytes.length - 2048);
  const tail = Buffer.from(bytes.subarray(tailStart)).toString('latin1');
  const at = tail.lastIndexOf('startxref');
  if (at < 0) return undefined;
  const m = /^startxref\s+(\d+)/.exec(tail.slice(at));
  if (!m) return undefined;
  const startxref = Number(m[1]);
  if (startxref <= 0 || startxref >= bytes.length) return undefined;
  const section = Buffer.from(bytes.subarray(startxref)).toString('latin1');
  const stream = /^\s*\d+\s+\d+\s+obj/.test(section);
  if (!stream && !/^\s*xref/.test(section)) return undefined;
  // The trailer (or xref stream dictionary) of the last section carries /Size.
  const dictAt = stream ? 0 : section.indexOf('trailer');
  const size = dictAt < 0 ? undefined : /\/Size\s+(\d+)/.exec(section.slice(dictAt, dictAt + 4096))?.[1];
  if (!size) return undefined;
  return { startxref, stream, size: Number(size) };
}

export interface TrailerInfo {
  Root?: PDFObject;
  Info?: PDFObject;
  ID?: PDFObject;
}

function objectBytes(ref: PDFRef, obj: PDFObject): Uint8Array {
  const head = `${ref.objectNumber} ${ref.generationNumber} obj\n`;
  const size = head.length + obj.sizeInBytes() + '\nendobj\n'.length;
  const buf = new Uint8Array(size);
  let off = 0;
  for (let i = 0; i < head.length; i++) buf[off++] = head.charCodeAt(i);
  off += obj.copyBytesInto(buf, off);
  const tail = '\nendobj\n';
  for (let i = 0; i < tail.length; i++) buf[off++] = tail.charCodeAt(i);
  return buf;
}

/** Runs of consecutive object numbers: [[first, count], …]. */
function runs(nums: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const x of nums) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === x) last[1]++;
    else out.push([x, 1]);
  }
  return out;
}

/**
 * Appends every object of `overlay` (new objects and the replaced page dictionaries, which
 * keep their numbers) to `base`. `size` is the new trailer /Size.
 */
export function writeIncremental(base: Uint8Array, xref: BaseXref, overlay: PDFContext, trailer: TrailerInfo): Uint8Array {
  const objs = overlay.enumerateIndirectObjects().sort((a, b) => a[0].objectNumber - b[0].objectNumber);
  const chunks: Uint8Array[] = [latin1('\n')];
  let offset = base.length + 1;
  const offsets = new Map<number, { offset: number; gen: number }>();
  for (const [ref, obj] of objs) {
    const b = objectBytes(ref, obj);
    offsets.set(ref.objectNumber, { offset, gen: ref.generationNumber });
    chunks.push(b);
    offset += b.length;
  }
  const size = overlay.largestObjectNumber + 1;
  const trailerDict = (extra: { Size?: number }): PDFDict => {
    const d = overlay.obj({}) as PDFDict;
    d.set(PDFName.of('Size'), overlay.obj(extra.Size ?? size));
    d.set(PDFName.of('Prev'), overlay.obj(xref.startxref));
    if (trailer.Root) d.set(PDFName.of('Root'), trailer.Root);
    if (trailer.Info) d.set(PDFName.of('Info'), trailer.Info);
    if (trailer.ID) d.set(PDFName.of('ID'), trailer.ID);
    return d;
  };
  const xrefOffset = offset;
  if (!xref.stream) {
    let table = 'xref\n';
    for (const [first, count] of runs([...offsets.keys()])) {
      table += `${first} ${count}\n`;
      for (let i = first; i < first + count; i++) {
        const e = offsets.get(i)!;
        table += `${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n \n`;
      }
    }
    const t = trailerDict({});
    chunks.push(latin1(`${table}trailer\n${t.toString()}\nstartxref\n${xrefOffset}\n%%EOF\n`));
  } else {
    // The xref stream is itself an object and lists itself.
    const selfNum = size;
    offsets.set(selfNum, { offset: xrefOffset, gen: 0 });
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    const rows = new Uint8Array(nums.length * 7);
    nums.forEach((num, i) => {
      const { offset: o, gen } = offsets.get(num)!;
      const r = i * 7;
      rows[r] = 1;
      rows[r + 1] = (o >>> 24) & 255;
      rows[r + 2] = (o >>> 16) & 255;
      rows[r + 3] = (o >>> 8) & 255;
      rows[r + 4] = o & 255;
      rows[r + 5] = (gen >>> 8) & 255;
      rows[r + 6] = gen & 255;
    });
    const z = deflateSmall(rows);
    const dict = trailerDict({ Size: selfNum + 1 });
    dict.set(PDFName.of('Type'), PDFName.of('XRef'));
    dict.set(PDFName.of('W'), overlay.obj([1, 4, 2]));
    dict.set(PDFName.of('Index'), overlay.obj(runs(nums).flat()));
    dict.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
    dict.set(PDFName.of('Length'), overlay.obj(z.length));
    const stream = PDFRawStream.of(dict, new Uint8Array(z.buffer, z.byteOffset, z.byteLength));
    chunks.push(objectBytes(PDFRef.of(selfNum), stream));
    chunks.push(latin1(`startxref\n${xrefOffset}\n%%EOF\n`));
  }
  const total = base.length + chunks.reduce((a, c) => a + c.length, 0);
  const out = new Uint8Array(total);
  out.set(base, 0);
  let o = base.length;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
