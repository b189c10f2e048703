/**
 * The 726-field form (with_combed_fields.pdf of the shared corpus): our fill of its own AcroForm
 * fields, imported by inspect, beside plain pdf-lib fill-and-flatten of the same values, in the
 * same process and interleaved. Filling must cost what its fields cost (linear), no more than
 * pdf-lib alone. Skipped (undefined) when the corpus is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFCheckBox, PDFDocument, PDFTextField } from 'pdf-lib';
import { compileTemplate, type EngineField } from '@/pdf/index.js';
import { inspect } from '@/pdf/inspect/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.resolve(process.env.PDF_CORPUS_DIR ?? path.join(here, '..', '..', '..', 'shared', 'corpus'));
export const COMBED_FILE = path.join(CORPUS, 'pdf-lib', 'with_combed_fields.pdf');

export interface CombedResult {
  fields: number;
  documents: number;
  oursMs: number;
  pdfLibMs: number;
  /** pdf-lib's time over ours (> 1: ours is faster). */
  ratio: number;
}

export async function benchCombed(documents: number, log: (l: string) => void = () => {}): Promise<CombedResult | undefined> {
  if (!existsSync(COMBED_FILE)) return undefined;
  const base = new Uint8Array(readFileSync(COMBED_FILE));
  const fields = (await inspect(base)).suggestedFields.map((s, i) => ({ fieldId: `c${i}`, ...s }) as EngineField);
  const values = new Map<string, string | boolean>();
  for (const f of fields) {
    if (f.type === 'checkbox') values.set(f.bindingKey, true);
    else if (f.type === 'text') values.set(f.bindingKey, '12345678901234567890'.slice(0, f.advanced.maxLength ?? 8));
  }
  const payload = Object.fromEntries(values);
  const byName = new Map(fields.map((f) => [f.advanced.acroFormName!, values.get(f.bindingKey)]));
  const compiled = await compileTemplate(base, fields);
  const ours = async () => (await compiled.generate(payload)).bytes;
  const pdfLib = async () => {
    const doc = await PDFDocument.load(base);
    const form = doc.getForm();
    for (const f of form.getFields()) {
      const v = byName.get(f.getName());
      if (v === undefined) continue;
      if (f instanceof PDFTextField && typeof v === 'string') f.setText(v);
      else if (f instanceof PDFCheckBox && v === true) f.check();
    }
    form.flatten();
    return doc.save();
  };
  await ours();
  await pdfLib();
  let oursMs = 0;
  let pdfLibMs = 0;
  for (let i = 0; i < documents; i++) {
    let t0 = performance.now();
    await ours();
    oursMs += performance.now() - t0;
    t0 = performance.now();
    await pdfLib();
    pdfLibMs += performance.now() - t0;
    log(`  combed-726: ${i + 1}/${documents} documents`);
  }
  return { fields: fields.length, documents, oursMs, pdfLibMs, ratio: pdfLibMs / oursMs };
}
