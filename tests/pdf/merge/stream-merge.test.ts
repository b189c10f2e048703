import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef, PDFStream, StandardFonts } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { compileTemplate, mergeDocuments, PdfError } from '@/pdf/index.js';
import { mergeIsolated, mergeStats } from '@/pdf/merge-pool.js';
import { streamMerge, type MergeSummary } from '@/pdf/stream-merge.js';
import { closeBatchPool } from '@/pdf/batch-pool.js';
import { pageText } from '../../helpers/pdf-readback.js';
import { field, makeBase } from '../render/support.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'stream-merge-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeBatchPool();
});

const POOL = { threads: 1, renderTimeoutMs: 60_000, inspectTimeoutMs: 60_000 };

/** Every permutation of the letters: distinct texts with one glyph set, so equal font subsets. */
function permutations(s: string): string[] {
  if (s.length <= 1) return [s];
  return [...s].flatMap((c, i) => permutations(s.slice(0, i) + s.slice(i + 1)).map((p) => c + p));
}

async function records(texts: string[]): Promise<Uint8Array[]> {
  const t = await compileTemplate(await makeBase(2), [
    field({ bindingKey: 'a' }),
    field({ bindingKey: 'b', page: 2, position: { x: 50, y: 300 } }),
  ]);
  return Promise.all(texts.map(async (s) => (await t.generate({ a: `Name ${s}`, b: `Second ${s}` })).bytes));
}

async function merged(docs: Uint8Array[]): Promise<{ bytes: Uint8Array; summary: MergeSummary; fetched: number[] }> {
  const parts: Uint8Array[] = [];
  const fetched: number[] = [];
  const summary = await streamMerge(
    {
      count: docs.length,
      fetch: async (i) => {
        fetched.push(i);
        return docs[i];
      },
    },
    (c) => void parts.push(c),
  );
  return { bytes: new Uint8Array(Buffer.concat(parts)), summary, fetched };
}

/** Embedded font programs (FontFile, FontFile2, FontFile3 streams), counted by distinct object. */
async function fontFiles(bytes: Uint8Array): Promise<number> {
  const doc = await PDFDocument.load(bytes);
  const files = new Set<string>();
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || obj instanceof PDFStream) continue;
    for (const key of ['FontFile', 'FontFile2', 'FontFile3']) {
      const ref = obj.get(PDFName.of(key));
      if (ref instanceof PDFRef) files.add(ref.toString());
    }
  }
  return files.size;
}

async function qpdfCheck(bytes: Uint8Array, name: string): Promise<string> {
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, bytes);
  const { stdout } = await run('qpdf', ['--check', file]);
  return stdout;
}

describe('streaming merge', () => {
  const texts = permutations('abcd').slice(0, 8);
  // Distinct texts whose glyphs come first in one order: records with equal font subsets (a
  // subset numbers glyphs in the order the document first uses them).
  const sameGlyphs = ['abcd', 'abcda', 'abcdb', 'abcdc', 'abcdd', 'abcdab'];

  it('every record in order, read back by pdf-lib, pdf.js and poppler; qpdf --check clean', async () => {
    const docs = await records(texts);
    const { bytes, summary, fetched } = await merged(docs);
    expect(fetched).toEqual(texts.map((_, i) => i));
    expect(summary).toMatchObject({ documents: 8, pages: 16, bytes: bytes.length });
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(16);
    for (const [i, s] of texts.entries()) {
      expect(await pageText(bytes, 2 * i + 1)).toContain(`Name ${s}`);
      expect(await pageText(bytes, 2 * i + 2)).toContain(`Second ${s}`);
    }
    const file = path.join(dir, 'order.pdf');
    writeFileSync(file, bytes);
    const { stdout } = await run('pdftotext', [file, '-']);
    const order = texts.map((s) => stdout.indexOf(`Name ${s}`));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]))).toBe(true);
    expect(await qpdfCheck(bytes, 'order')).toContain('No syntax or stream encoding errors found');
  });

  it('identical font programs are written once (pdf-lib copyPages kept one per record)', async () => {
    const docs = await records(sameGlyphs);
    const { bytes, summary } = await merged(docs);
    expect(await fontFiles(docs[0])).toBe(1);
    expect(await fontFiles(await mergeDocuments(docs))).toBe(sameGlyphs.length);
    expect(await fontFiles(bytes)).toBe(1);
    for (const [i, s] of sameGlyphs.entries()) expect(await pageText(bytes, 2 * i + 1)).toContain(`Name ${s}`);
    expect(await qpdfCheck(bytes, 'shared')).toContain('No syntax or stream encoding errors found');
    expect(summary.shared).toBeGreaterThan(0);
  });

  it('records with different glyphs keep their own font subsets', async () => {
    const docs = await records(['one', 'two', 'one']);
    const { bytes } = await merged(docs);
    expect(await fontFiles(bytes)).toBe(2);
    expect(await pageText(bytes, 5)).toContain('Name one');
    expect(await pageText(bytes, 3)).toContain('Name two');
  });

  it('inherited page attributes and an annotation pointing back to its page are kept', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([300, 400]);
    page.drawText('Inherited box', { x: 20, y: 300, font, size: 12 });
    // MediaBox and Resources move up to the page tree node: the page inherits them.
    const tree = page.node.Parent()!;
    tree.set(PDFName.MediaBox, page.node.get(PDFName.MediaBox)!);
    tree.set(PDFName.Resources, page.node.get(PDFName.Resources)!);
    page.node.delete(PDFName.MediaBox);
    page.node.delete(PDFName.Resources);
    const annot = doc.context.register(doc.context.obj({ Type: 'Annot', Subtype: 'Text', Rect: [10, 10, 30, 30], P: page.ref }));
    page.node.set(PDFName.Annots, doc.context.obj([annot]));
    const src = await doc.save();
    const { bytes } = await merged([src, src]);
    const back = await PDFDocument.load(bytes);
    expect(back.getPages().map((p) => [p.getWidth(), p.getHeight()])).toEqual([
      [300, 400],
      [300, 400],
    ]);
    for (const [i, p] of back.getPages().entries()) {
      const annots = p.node.lookup(PDFName.Annots, PDFArray);
      const a = back.context.lookup(annots.get(0), PDFDict);
      expect(a.get(PDFName.of('P'))).toBe(p.ref);
      expect(await pageText(bytes, i + 1)).toContain('Inherited box');
    }
    expect(await qpdfCheck(bytes, 'inherited')).toContain('No syntax or stream encoding errors found');
  });

  it('a document that does not parse fails the merge with pdf_corrupt and its index', async () => {
    const docs = await records(['x']);
    const err = await merged([docs[0], new Uint8Array(Buffer.from('not a pdf'))]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PdfError);
    expect(err).toMatchObject({ code: 'pdf_corrupt', details: { index: 1 } });
  });
});

describe('merge on the engine pool', () => {
  it('runs in a worker thread and writes the same bytes as the in-process merge', async () => {
    const docs = await records(permutations('abc'));
    const before = mergeStats();
    const parts: Uint8Array[] = [];
    const summary = await mergeIsolated({ count: docs.length, fetch: async (i) => docs[i] }, (c) => void parts.push(c), POOL);
    expect(summary.mainThread).toBe(false);
    expect(mergeStats()).toMatchObject({ merges: before.merges + 1, inWorker: before.inWorker + 1 });
    const local = await merged(docs);
    expect(local.summary.mainThread).toBe(true);
    expect(Buffer.concat(parts).equals(Buffer.from(local.bytes))).toBe(true);
  });

  it('a corrupt record comes back from the thread as pdf_corrupt; a failing fetch or sink fails the merge', async () => {
    const docs = await records(['y']);
    const corrupt = await mergeIsolated({ count: 2, fetch: async (i) => (i === 0 ? docs[0] : new Uint8Array(8)) }, () => {}, POOL).catch(
      (e: unknown) => e,
    );
    expect(corrupt).toMatchObject({ code: 'pdf_corrupt', details: { index: 1 } });
    const fetchFails = await mergeIsolated(
      {
        count: 2,
        fetch: async (i) => {
          if (i === 1) throw new Error('blob gone');
          return docs[0];
        },
      },
      () => {},
      POOL,
    ).catch((e: unknown) => e);
    expect((fetchFails as Error).message).toContain('blob gone');
    const many = await records(permutations('abcde').slice(0, 60));
    const sinkFails = await mergeIsolated(
      { count: many.length, fetch: async (i) => many[i] },
      () => {
        throw new Error('store refused');
      },
      POOL,
    ).catch((e: unknown) => e);
    expect((sinkFails as Error).message).toBe('store refused');
  });
});
