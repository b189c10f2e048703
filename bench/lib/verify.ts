/**
 * Correctness gate: an engine's output is parsed back with pdf.js and must contain every value
 * of its record, so a fast-but-wrong engine cannot win. Whitespace is ignored when comparing
 * because extractors split and join text runs differently per producer.
 */
import { loadPdfJs } from '../../tests/helpers/pdfjs.js';

/** All text of the document, one string per page. */
export async function pageTexts(bytes: Uint8Array): Promise<string[]> {
  const lib = await loadPdfJs();
  const task = lib.getDocument({ data: new Uint8Array(bytes), disableFontFace: true, useSystemFonts: false, verbosity: 0 });
  const doc = await task.promise;
  try {
    const out: string[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const content = await (await doc.getPage(p)).getTextContent();
      out.push(content.items.map((it) => ('str' in it ? it.str : '')).join(''));
    }
    return out;
  } finally {
    await task.destroy();
  }
}

const squash = (s: string): string => s.normalize('NFC').replace(/\s+/g, '');

function count(hay: string, needle: string): number {
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) n++;
  return n;
}

export interface Verdict {
  ok: boolean;
  pages: number;
  missing: string[];
}

/**
 * Checks the page count and that each value of the record was added to the base: the value
 * must occur in the output at least as often as in the base's own text plus the number of
 * fields that carry it (so a short value such as "3" cannot pass by matching the base's "30").
 */
export async function verifyDocument(
  bytes: Uint8Array,
  record: Record<string, string>,
  expectedPages: number,
  base?: Uint8Array,
): Promise<Verdict> {
  const texts = await pageTexts(bytes);
  const all = squash(texts.join('\n'));
  const baseText = base ? squash((await pageTexts(base)).join('\n')) : '';
  const values = Object.values(record).map(squash);
  const missing = [...new Set(values)].filter((v) => count(all, v) < count(baseText, v) + values.filter((x) => x.includes(v)).length);
  return { ok: missing.length === 0 && texts.length === expectedPages, pages: texts.length, missing };
}
