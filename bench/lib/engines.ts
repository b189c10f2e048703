/**
 * The four contestants behind one interface. Each `prepare` does the once-per-template work its
 * engine allows (ours compiles; naive pdf-lib and pdfme have nothing to keep between documents
 * except the font bytes read from disk) and returns a per-document `generate`.
 */
import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { generate as pdfmeGenerate } from '@pdfme/generator';
import type { Font, Template } from '@pdfme/common';
import { text } from '@pdfme/schemas';
import { compileTemplate, generateBatch, type BatchInput } from '@/pdf/index.js';
import { FONT_PATH, FONT_SIZE, engineFields, pdfmeTemplate, type BenchTemplate } from './fixtures.js';

export type DocFn = (record: Record<string, string>) => Promise<Uint8Array>;

export interface SequentialEngine {
  name: string;
  prepare(t: BenchTemplate): Promise<DocFn>;
}

const fontBytes = (): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(FONT_PATH));

export const ours: SequentialEngine = {
  name: 'ours',
  async prepare(t) {
    const compiled = await compileTemplate(t.base, engineFields(t));
    return async (record) => (await compiled.generate(record)).bytes;
  },
};

/** What a developer writes with pdf-lib alone: load the base, embed the font (subset), draw, save — per document. */
export const naivePdfLib: SequentialEngine = {
  name: 'naive pdf-lib',
  async prepare(t) {
    const font = fontBytes();
    return async (record) => {
      const doc = await PDFDocument.load(t.base);
      doc.registerFontkit(fontkit);
      const f = await doc.embedFont(font, { subset: true });
      const pages = doc.getPages();
      for (const field of t.fields) {
        const page = pages[field.page - 1];
        // Top-left field box → baseline one ascent below its top.
        const y = page.getHeight() - field.y - f.heightAtSize(FONT_SIZE, { descender: false });
        page.drawText(record[field.key] ?? '', { x: field.x, y, size: FONT_SIZE, font: f });
      }
      return doc.save();
    };
  },
};

export const pdfme: SequentialEngine = {
  name: '@pdfme/generator',
  async prepare(t) {
    // The same TTF as ours, passed explicitly (pdfme's default Roboto lacks some Latin Extended glyphs).
    const font: Font = { DejaVu: { data: fontBytes(), fallback: true, subset: true } };
    // pdfme's basePdf type wants an ArrayBuffer-backed view: copy the base once.
    const template = { ...pdfmeTemplate(t), basePdf: new Uint8Array(t.base) } as unknown as Template;
    return async (record) => pdfmeGenerate({ template, inputs: [record], plugins: { text }, options: { font } });
  },
};

export interface BatchRun {
  ms: number;
  bytes: number[];
  first: Uint8Array | undefined;
  failed: number;
}

/** Ours on every core: generateBatch (the process's shared piscina pool; the time includes starting it when it is not running). */
export async function oursBatch(
  t: BenchTemplate,
  records: Record<string, string>[],
  concurrency?: number,
  strategy?: BatchInput['strategy'],
): Promise<BatchRun> {
  const bytes: number[] = new Array(records.length);
  let first: Uint8Array | undefined;
  const t0 = performance.now();
  const res = await generateBatch({
    base: t.base,
    fields: engineFields(t),
    records,
    concurrency,
    strategy,
    onDocument: (i, doc) => {
      bytes[i] = doc.bytes.length;
      if (i === 0) first = doc.bytes;
    },
  });
  return { ms: performance.now() - t0, bytes, first, failed: res.failed };
}
