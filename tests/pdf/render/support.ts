import { PDFDocument, StandardFonts } from 'pdf-lib';
import { fieldInputSchema, type FieldInput } from '@/shared/domain/field.js';
import type { EngineField } from '@/pdf/index.js';
import type { TableSpec } from '@/shared/domain/table.js';

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

/** A table definition as a test writes it: columns with only what the test cares about. */
export type TableInput = Omit<Partial<TableSpec>, 'columns'> & { columns: Partial<TableSpec['columns'][number]>[] };

/** A line-items table at (40, 200), 400 × `height` points, on page 1 of an A4 base, bound to `items`. */
export function tableField(table: TableInput, height = 200, extra: Partial<FieldInput> = {}): EngineField {
  return field({
    name: 'Items',
    type: 'table',
    bindingKey: 'items',
    position: { x: 40, y: 200 },
    size: { width: 400, height },
    style: { fontSize: 10 },
    advanced: { table: table as TableSpec },
    ...extra,
  });
}
