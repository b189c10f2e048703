import { createHash, type Hash } from 'node:crypto';
import { isMainThread } from 'node:worker_threads';
import {
  PDFArray,
  PDFContext,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFNull,
  PDFPageLeaf,
  PDFRawStream,
  PDFRef,
  PDFStream,
  type PDFObject,
} from 'pdf-lib';
import { PdfError } from './errors.js';

/**
 * A merge of many documents into one PDF that holds about one source document at a time.
 *
 * Hand-written rather than pdf-lib's copyPages + save(): save() serializes a PDFDocument whose
 * context holds every copied object of every source until the end, so a 2,000-record merge held
 * all 2,000 documents (parsed, then serialized into one buffer). Here each source is parsed alone,
 * its pages' object graphs are copied and each object is serialized (pdf-lib's own
 * sizeInBytes/copyBytesInto) and written out as soon as it is complete; only the byte offset of
 * every object (for the xref table) and the page references are kept. The page tree and catalog
 * are written last, then a classic xref table and trailer.
 *
 * Identical objects are written once: an object is written after the objects it references, with
 * their output numbers, so its serialized form (dictionary + stream bytes) names its whole subtree;
 * a SHA-256 of it finds an equal object already written (the same font program, descriptor, widths,
 * image or static content stream in every record of one template), which is then referenced instead.
 * Objects on a reference cycle (an annotation's /P back to its page) get their number before their
 * content is known and are not shared.
 */

export interface MergeSource {
  /** Documents, merged in index order. */
  count: number;
  /** The bytes of document `index` (called in order, at most one ahead of the one being copied). */
  fetch(index: number): Promise<Uint8Array>;
}
/** Receives the output in order; the merge waits for each promise (back-pressure). */
export type MergeSink = (chunk: Uint8Array) => Promise<void> | void;

export interface MergeSummary {
  documents: number;
  pages: number;
  /** Objects written (page tree and catalog included). */
  objects: number;
  /** References answered by an object already written instead of a new copy. */
  shared: number;
  bytes: number;
  /** Where the merge ran (recorded inside it): false in an engine worker thread. */
  mainThread: boolean;
}

const CHUNK = 256 * 1024;
const enc = new TextEncoder();

/** Output with offsets: pieces are gathered into chunks of about 256 KB before the sink sees them. */
class Output {
  offset = 0;
  private pieces: Uint8Array[] = [];
  private pending = 0;
  readonly digest: Hash = createHash('sha256');
  constructor(private readonly sink: MergeSink) {}
  async push(bytes: Uint8Array): Promise<void> {
    this.pieces.push(bytes);
    this.pending += bytes.length;
    this.offset += bytes.length;
    if (this.pending >= CHUNK) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.pending === 0) return;
    const chunk = Buffer.concat(this.pieces, this.pending);
    this.pieces = [];
    this.pending = 0;
    this.digest.update(chunk);
    await this.sink(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
}

function serialize(obj: PDFObject): Uint8Array {
  const out = new Uint8Array(obj.sizeInBytes());
  obj.copyBytesInto(out, 0);
  return out;
}

export async function streamMerge(source: MergeSource, sink: MergeSink): Promise<MergeSummary> {
  if (source.count === 0) throw new PdfError('payload_invalid', 'Nothing to merge');
  const out = new Output(sink);
  // Objects are built in a context of their own that never registers them: it is only the
  // factory pdf-lib's dictionaries and arrays need.
  const ctx = PDFContext.create();
  const offsets: number[] = [0, 0, 0]; // 1: catalog, 2: page tree root, both written last
  const rootRef = PDFRef.of(2);
  const kids: PDFRef[] = [];
  const sharedByHash = new Map<string, PDFRef>();
  let shared = 0;
  const allocate = () => PDFRef.of(offsets.push(0) - 1);

  const writeObject = async (ref: PDFRef, body: Uint8Array) => {
    offsets[ref.objectNumber] = out.offset;
    await out.push(enc.encode(`${ref.objectNumber} 0 obj\n`));
    await out.push(body);
    await out.push(enc.encode('\nendobj\n'));
  };

  await out.push(new Uint8Array([...enc.encode('%PDF-1.7\n%'), 0xe2, 0xe3, 0xcf, 0xd3, 0x0a]));

  let next = source.fetch(0);
  for (let index = 0; index < source.count; index++) {
    const bytes = await next;
    if (index + 1 < source.count) next = source.fetch(index + 1);
    next.catch(() => {}); // awaited on the next turn; a failure there is reported then
    let doc: PDFDocument;
    try {
      doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
    } catch (e) {
      throw new PdfError('pdf_corrupt', `Document ${index} could not be parsed: ${(e as Error).message}`, { index });
    }
    const src = doc.context;
    // Pages are numbered first, so a link or annotation that names a page of this document
    // points at its copy (and never drags the source's page tree in through /Parent).
    const pageRefs = new Map<PDFRef, PDFRef>();
    for (const page of doc.getPages()) pageRefs.set(page.ref, allocate());
    const done = new Map<PDFRef, PDFObject>();
    const active = new Set<PDFRef>();
    const cyclic = new Map<PDFRef, PDFRef>();

    const visit = async (ref: PDFRef): Promise<PDFObject> => {
      const page = pageRefs.get(ref);
      if (page) return page;
      const known = done.get(ref);
      if (known) return known;
      if (active.has(ref)) {
        let early = cyclic.get(ref);
        if (!early) cyclic.set(ref, (early = allocate()));
        return early;
      }
      const obj = src.lookup(ref);
      if (obj === undefined) return PDFNull;
      active.add(ref);
      const copy = await remap(obj);
      active.delete(ref);
      const body = serialize(copy);
      const early = cyclic.get(ref);
      let target: PDFRef;
      if (early) {
        target = early;
        await writeObject(target, body);
      } else {
        const hash = createHash('sha256').update(body).digest('base64');
        const seen = sharedByHash.get(hash);
        if (seen) {
          target = seen;
          shared++;
        } else {
          target = allocate();
          sharedByHash.set(hash, target);
          await writeObject(target, body);
        }
      }
      done.set(ref, target);
      return target;
    };

    const remapDict = async (dict: PDFDict, skip?: PDFName): Promise<PDFDict> => {
      const copy = PDFDict.withContext(ctx);
      for (const [key, value] of dict.entries()) if (key !== skip) copy.set(key, await remap(value));
      return copy;
    };
    const remap = async (obj: PDFObject): Promise<PDFObject> => {
      if (obj instanceof PDFRef) return visit(obj);
      // The stream's /Length is set from its bytes when it is serialized (an indirect Length is not copied).
      if (obj instanceof PDFRawStream) return PDFRawStream.of(await remapDict(obj.dict, PDFName.of('Length')), obj.contents);
      if (obj instanceof PDFStream) return PDFRawStream.of(await remapDict(obj.dict, PDFName.of('Length')), obj.getContents());
      if (obj instanceof PDFDict) return remapDict(obj);
      if (obj instanceof PDFArray) {
        const copy = PDFArray.withContext(ctx);
        for (let i = 0; i < obj.size(); i++) copy.push(await remap(obj.get(i)));
        return copy;
      }
      return obj;
    };

    for (const page of doc.getPages()) {
      const leaf = page.node;
      const copy = PDFDict.withContext(ctx);
      for (const [key, value] of leaf.entries()) if (key !== PDFName.Parent) copy.set(key, await remap(value));
      // Attributes the page inherits from its (not copied) page tree go on the page itself.
      for (const name of PDFPageLeaf.InheritableEntries) {
        const key = PDFName.of(name);
        const inherited = leaf.getInheritableAttribute(key);
        if (!leaf.get(key) && inherited) copy.set(key, await remap(inherited));
      }
      copy.set(PDFName.Parent, rootRef);
      const ref = pageRefs.get(page.ref)!;
      await writeObject(ref, serialize(copy));
      kids.push(ref);
    }
    for (const [ref, early] of cyclic) if (!done.has(ref)) throw new Error(`object ${early.objectNumber} was numbered but never written`);
  }

  const tree = ctx.obj({ Type: 'Pages', Kids: kids, Count: kids.length });
  await writeObject(rootRef, serialize(tree));
  await writeObject(PDFRef.of(1), serialize(ctx.obj({ Type: 'Catalog', Pages: rootRef })));

  const xrefAt = out.offset;
  await out.push(enc.encode(`xref\n0 ${offsets.length}\n0000000000 65535 f \n`));
  for (let i = 1; i < offsets.length; i += 1024) {
    const rows = offsets.slice(i, i + 1024).map((o) => `${String(o).padStart(10, '0')} 00000 n \n`);
    await out.push(enc.encode(rows.join('')));
  }
  await out.flush();
  // Deterministic /ID (a redelivered finalize rewrites the same bytes): a digest of the body.
  const id = out.digest.copy().digest('hex').slice(0, 32);
  await out.push(enc.encode(`trailer\n<< /Size ${offsets.length} /Root 1 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${xrefAt}\n%%EOF\n`));
  await out.flush();
  return { documents: source.count, pages: kids.length, objects: offsets.length - 1, shared, bytes: out.offset, mainThread: isMainThread };
}
