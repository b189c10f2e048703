import { PDFCheckBox, PDFDocument, PDFDropdown, PDFOptionList, PDFRadioGroup, PDFTextField } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileTemplate, type EngineField } from '@/pdf/index.js';
import { extractText, joinLines, type TextItem } from '../../helpers/pdf-readback.js';
import { pageCounts } from '../readers.js';
import { corpusFiles, inspectOutcome, readFile, type CorpusFile } from './outcomes.js';

/**
 * Every corpus file with form fields that opens: its suggested fields imported as a template,
 * filled with a value of each field's type (multi-line text with a line break, the dropdown's
 * last option, one radio choice per group, checked checkboxes, an image in image and signature
 * fields), generated flattened and fillable. Both outputs open in pdf.js, pdf-lib and poppler
 * with the input's page count; flattened text values are found by pdf.js inside their field's
 * box; fillable values are read back by pdf-lib from the form's own fields.
 *
 * The set is the whole corpus, filtered deterministically by inspect (files that open and suggest
 * at least one field), capped at MAX_FILES in file-name order so that a corpus that grows keeps
 * this suite bounded.
 */

const MAX_FILES = 40;
// A 1x1 PNG: image and signature fields are filled with it.
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

interface FormFile {
  file: CorpusFile;
  pages: number;
  fields: EngineField[];
}

const { files, skipReason } = corpusFiles();

/** A value of the field's type; text values are distinct digits (no format or font can refuse them). */
function valueFor(f: EngineField, n: number): string | boolean {
  switch (f.type) {
    case 'checkbox':
      return true;
    case 'radio':
    case 'dropdown':
      return f.advanced.options!.at(-1)!;
    case 'image':
    case 'signature':
      return PNG;
    default: {
      const max = f.advanced.maxLength ?? 40;
      const word = String(7000 + n).slice(0, max);
      return f.advanced.multiLine && max >= 2 * word.length + 1 ? `${word}\n${word}` : word;
    }
  }
}

function payloadOf(fields: EngineField[]): Record<string, string | boolean> {
  const payload: Record<string, string | boolean> = {};
  fields.forEach((f, i) => {
    // One choice per radio group (its buttons share the key): the first button seen.
    if (!(f.bindingKey in payload)) payload[f.bindingKey] = valueFor(f, i);
  });
  return payload;
}

const inside = (t: TextItem, f: EngineField, slack = 2) =>
  t.x >= f.position.x - slack &&
  t.x <= f.position.x + f.size.width + slack &&
  t.baseline >= f.position.y - slack &&
  t.baseline <= f.position.y + f.size.height + slack;

const overlaps = (t: TextItem, f: EngineField, slack = 2) =>
  t.x <= f.position.x + f.size.width + slack &&
  t.x + t.width >= f.position.x - slack &&
  t.baseline >= f.position.y - slack &&
  t.baseline <= f.position.y + f.size.height + slack;

describe('corpus forms: imported, filled, flattened and fillable, read back by three readers', () => {
  if (skipReason) it.skip(`partly skipped: ${skipReason}`, () => {});
  const forms: FormFile[] = [];
  beforeAll(async () => {
    for (const file of files) {
      if (forms.length >= MAX_FILES) break;
      const o = await inspectOutcome(readFile(file));
      if (o.kind !== 'opened' || o.result.suggestedFields.length === 0) continue;
      const fields = o.result.suggestedFields.map((s, i) => ({ fieldId: `c${i}`, ...s }) as EngineField);
      forms.push({ file, pages: o.result.pageCount, fields });
    }
  }, 10 * 60_000);

  it(
    'each form file',
    async () => {
      expect(forms.length).toBeGreaterThan(5);
      const failures: string[] = [];
      for (const { file, pages, fields } of forms) {
        try {
          await fillAndReadBack(file, pages, fields);
        } catch (err) {
          failures.push(`${file.id}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      console.log(`corpus forms: ${forms.length} files filled (${forms.map((f) => f.file.id).join(', ')})`);
      expect(failures).toEqual([]);
    },
    30 * 60_000,
  );
});

async function fillAndReadBack(file: CorpusFile, pages: number, fields: EngineField[]): Promise<void> {
  const payload = payloadOf(fields);
  const compiled = await compileTemplate(readFile(file), fields);
  const flat = (await compiled.generate(payload)).bytes;
  const fillable = (await compiled.generate(payload, { flatten: false })).bytes;
  for (const [mode, bytes] of [
    ['flattened', flat],
    ['fillable', fillable],
  ] as const) {
    const counts = await pageCounts(bytes);
    expect({ mode, pdfjs: counts.pdfjs, pdfLib: counts.pdfLib, poppler: counts.poppler }).toEqual({
      mode,
      pdfjs: pages,
      pdfLib: pages,
      poppler: pages,
    });
  }

  // Flattened: each text value is page text starting inside its field's box (a run of its own,
  // or, where pdf.js split it, a line overlapping the box; comb fields draw one glyph per cell,
  // so their digits are looked for with the spaces between cells removed).
  const text = new Map<number, { runs: TextItem[]; lines: TextItem[] }>();
  for (const f of fields) {
    if (f.type !== 'text') continue;
    const first = String(payload[f.bindingKey]).split('\n')[0];
    if (!text.has(f.page)) {
      const runs = await extractText(flat, f.page);
      text.set(f.page, { runs, lines: joinLines(runs) });
    }
    const { runs, lines } = text.get(f.page)!;
    const hit =
      runs.find((r) => r.str.includes(first) && inside(r, f)) ??
      lines.find((l) => l.str.replace(/\s/g, '').includes(first) && overlaps(l, f));
    if (!hit) throw new Error(`flattened: "${first}" of ${f.advanced.acroFormName} not found in its box on page ${f.page}`);
  }

  // Fillable: the form's own fields hold the values.
  const form = (await PDFDocument.load(fillable, { updateMetadata: false })).getForm();
  for (const f of fields) {
    const name = f.advanced.acroFormName!;
    const want = payload[f.bindingKey];
    const got = form.getField(name);
    if (f.type === 'text' && got instanceof PDFTextField) expect(got.getText(), name).toBe(want);
    else if (f.type === 'checkbox' && got instanceof PDFCheckBox) expect(got.isChecked(), name).toBe(true);
    else if (f.type === 'radio' && got instanceof PDFRadioGroup) expect(got.getSelected(), name).toBe(want);
    else if (f.type === 'dropdown' && (got instanceof PDFDropdown || got instanceof PDFOptionList))
      expect(got.getSelected(), name).toEqual([want]);
    else if (f.type === 'text' || f.type === 'checkbox' || f.type === 'radio' || f.type === 'dropdown')
      throw new Error(`fillable: ${name} is a ${got.constructor.name}, imported as ${f.type}`);
  }
}
