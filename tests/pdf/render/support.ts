import { PDFDocument, StandardFonts } from 'pdf-lib';
import { fieldInputSchema, type FieldInput } from '@/shared/domain/field.js';
import type { EngineField } from '@/pdf/index.js';

/** A base PDF of `pages` A4 pages with a little text, optionally saved with object/xref streams. */
export async function makeBase(pages = 1, opts: { xrefStream?: boolean; size?: [number, number] } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) {
    const p = doc.addPage(opts.size ?? [595, 842]);
    p.drawText(`Base page ${i + 1}`, { x: 400, y: 20, size: 8, font });
  }
  return doc.save({ useObjectStreams: opts.xrefStream ?? false });
}

let seq = 0;
/** A field from partial input (zod fills the field schema's defaults). */
export function field(input: Partial<FieldInput>): EngineField {
  seq++;
  const parsed = fieldInputSchema.parse({
    name: `f${seq}`,
    type: 'text',
    page: 1,
    position: { x: 50, y: 50 },
    size: { width: 200, height: 20 },
    bindingKey: `k${seq}`,
    ...input,
  });
  return { fieldId: `fid${seq}`, ...parsed };
}

/** Tolerance for positions read back (points). */
export const TOL = 1.5;
