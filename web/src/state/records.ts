import Papa from 'papaparse';

/**
 * Batch records pasted or uploaded in the studio: a JSON array of objects, JSON Lines (one object
 * per line) or CSV (header row = binding keys). Every bad row is reported with its line/row number
 * so the user can fix them all at once; nothing is sent while any row is bad.
 *
 * CSV values stay strings (the engine accepts numeric strings for numbers and "true"/"yes"/1 for
 * checkboxes), and an empty cell is left out so the field's default value and `required` apply.
 * Headers stay flat (`customer.name`): the engine's binding resolver reads flat dotted keys too.
 */

export type RecordFormat = 'json' | 'jsonl' | 'csv';
export type Payload = Record<string, unknown>;

/** The API's limit per job (createJobBody in src/services/generation/jobs.ts). */
export const MAX_RECORDS = 10_000;

export interface ParsedRecords {
  format: RecordFormat;
  records: Payload[];
  /** Where each record is in the input, as the user finds it: "Row 8" (CSV, header = row 1), "Line 3", "Record 7". */
  where: string[];
  /** One message per problem, in words, with where it is. Empty when the input is usable. */
  errors: string[];
}

/** Most problems listed at once: past that, "and N more". */
const MAX_LISTED = 20;

function isPlainObject(v: unknown): v is Payload {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The format from a file name, else from the text's first character. */
export function detectFormat(text: string, fileName?: string): RecordFormat {
  const ext = fileName?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  const t = text.trimStart();
  if (t.startsWith('[')) return 'json';
  if (t.startsWith('{')) return 'jsonl';
  if (ext === 'json') return 'json';
  return 'csv';
}

type Parsed = { records: Payload[]; where: string[]; errors: string[] };

function parseJsonArray(text: string): Parsed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { records: [], where: [], errors: [`Not valid JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
  if (!Array.isArray(data)) return { records: [], where: [], errors: ['Expected a JSON array of records, such as [{"name": "Ada"}].'] };
  const out: Parsed = { records: [], where: [], errors: [] };
  data.forEach((r, i) => {
    if (!isPlainObject(r)) out.errors.push(`Record ${i + 1} is not an object (found ${describe(r)}).`);
    else {
      out.records.push(r);
      out.where.push(`Record ${i + 1}`);
    }
  });
  return out;
}

function parseJsonLines(text: string): Parsed {
  const records: Payload[] = [];
  const where: string[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch (err) {
      errors.push(`Line ${i + 1}: not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
      return;
    }
    if (isPlainObject(r)) {
      records.push(r);
      where.push(`Line ${i + 1}`);
    } else errors.push(`Line ${i + 1}: expected an object, found ${describe(r)}.`);
  });
  return { records, where, errors };
}

function parseCsv(text: string): Parsed {
  // papaparse handles quoting, embedded newlines, BOM and delimiter detection (comma, semicolon, tab).
  const res = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { header: false, skipEmptyLines: 'greedy' });
  // A one-column CSV has no delimiter to detect: that is not a problem.
  const errors: string[] = res.errors
    .filter((e) => e.code !== 'UndetectableDelimiter')
    .map((e) => `Row ${(e.row ?? 0) + 1}: ${e.message}.`);
  const [header, ...rows] = res.data;
  if (!header) return { records: [], where: [], errors: ['The CSV is empty: the first row must name the binding keys.'] };
  const keys = header.map((h) => h.trim());
  keys.forEach((k, i) => {
    if (!k) errors.push(`Header column ${i + 1} is empty: every column needs a binding key.`);
  });
  const seen = new Set<string>();
  for (const k of keys) {
    if (k && seen.has(k)) errors.push(`Header column “${k}” appears twice.`);
    seen.add(k);
  }
  const records: Payload[] = [];
  const where: string[] = [];
  rows.forEach((row, i) => {
    // Row numbers as a spreadsheet shows them: the header is row 1.
    if (row.length !== keys.length) {
      errors.push(`Row ${i + 2}: ${row.length} value(s) for ${keys.length} column(s).`);
      return;
    }
    const rec: Payload = {};
    row.forEach((v, j) => {
      if (v !== '' && keys[j]) rec[keys[j]] = v;
    });
    records.push(rec);
    where.push(`Row ${i + 2}`);
  });
  return { records, where, errors };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/** Parses records in the given (or detected) format; see ParsedRecords. */
export function parseRecords(text: string, format: RecordFormat | 'auto' = 'auto', fileName?: string): ParsedRecords {
  const fmt = format === 'auto' ? detectFormat(text, fileName) : format;
  if (!text.trim()) return { format: fmt, records: [], where: [], errors: ['Paste or upload at least one record.'] };
  const parsed = fmt === 'json' ? parseJsonArray(text) : fmt === 'jsonl' ? parseJsonLines(text) : parseCsv(text);
  const errors = [...parsed.errors];
  if (errors.length === 0 && parsed.records.length === 0) errors.push('No records found.');
  if (parsed.records.length > MAX_RECORDS)
    errors.push(`${parsed.records.length} records: at most ${MAX_RECORDS} per job. Split the batch.`);
  return { format: fmt, records: parsed.records, where: parsed.where, errors: capped(errors) };
}

/** At most MAX_LISTED problems, then "…and N more". */
export function capped(errors: string[]): string[] {
  if (errors.length <= MAX_LISTED) return errors;
  const more = errors.length - MAX_LISTED;
  return [...errors.slice(0, MAX_LISTED), `…and ${more} more problem(s).`];
}
