/**
 * The label-sheet case: a repeating group of 3 × 8 address labels (name, street, city) on a
 * one-page uploaded base, continued on copies of that page. The cost of ours at 10, 100 and 1,000
 * labels per document, to show it grows linearly with the items.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { compileTemplate, type EngineField } from '@/pdf/index.js';
import { fieldInputSchema, type FieldInput } from '@/shared/domain/field.js';
import { FONT_FAMILY, FONT_SIZE } from './fixtures.js';
import { pageTexts } from './verify.js';

const CELL = { x: 20, y: 30, width: 180, height: 95 };
const style = { fontFamily: FONT_FAMILY, fontSize: FONT_SIZE };

export interface GroupBenchResult {
  /** Ours, ms per document at each item count. */
  scaling: { items: number; msPerDoc: number; pages: number }[];
  verified: boolean;
}

async function sheetBase(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595.28, 841.89]);
  page.drawText('Example Supplies Ltd · address labels', { x: 20, y: 825, size: 8, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

function fieldOf(input: FieldInput, id: string): EngineField {
  return { fieldId: id, ...fieldInputSchema.parse(input) };
}

function sheetFields(): EngineField[] {
  const member = (key: string, dy: number): EngineField =>
    fieldOf(
      {
        name: key,
        type: 'text',
        page: 1,
        position: { x: CELL.x + 8, y: CELL.y + dy },
        size: { width: 164, height: 18 },
        bindingKey: `labels.${key}`,
        style,
      },
      key,
    );
  const group = fieldOf(
    {
      name: 'Labels',
      type: 'table',
      page: 1,
      position: { x: CELL.x, y: CELL.y },
      size: { width: CELL.width, height: CELL.height },
      bindingKey: 'labels',
      advanced: { group: { across: 3, down: 8, gapX: 8, gapY: 5 } } as FieldInput['advanced'],
    },
    'labels',
  );
  return [group, member('name', 12), member('street', 38), member('city', 64)];
}

const labelsOf = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: `Renée Müller ${seed}-${i + 1}.`,
    street: `${(i * 7 + seed) % 300} Rue de la Paix`,
    city: `${10_000 + ((i * 7919 + seed) % 89_999)} Straßburg`,
  }));

export async function benchGroup(warmup: number, log: (l: string) => void = () => {}): Promise<GroupBenchResult> {
  const compiled = await compileTemplate(await sheetBase(), sheetFields());
  const ours = (n: number, seed: number) => compiled.generate({ labels: labelsOf(n, seed) });
  for (let i = 0; i < Math.max(20, warmup); i++) await ours(100, i);
  const scaling: GroupBenchResult['scaling'] = [];
  let verified = true;
  for (const n of [10, 100, 1000]) {
    const docs = n >= 1000 ? 10 : 50;
    let pages = 0;
    let last: Uint8Array = new Uint8Array();
    const t0 = performance.now();
    for (let i = 0; i < docs; i++) ({ pageCount: pages, bytes: last } = await ours(n, i));
    scaling.push({ items: n, msPerDoc: (performance.now() - t0) / docs, pages });
    // The last document holds every label of its record, each once.
    const text = (await pageTexts(last)).join('\n');
    verified &&= labelsOf(n, docs - 1).every((l) => text.split(l.name).length === 2) && pages === Math.ceil(n / 24);
    log(`  label-sheet: ${n} labels done`);
  }
  return { scaling, verified };
}

export function groupLines(r: GroupBenchResult): string[] {
  return [
    `label-sheet items: ${r.scaling.map((s) => `${s.items} labels ${s.msPerDoc.toFixed(2)} ms (${s.pages} p, ${((s.msPerDoc / s.items) * 1000).toFixed(0)} µs/label)`).join(', ')}${r.verified ? '' : '; NOT VERIFIED'}`,
  ];
}
