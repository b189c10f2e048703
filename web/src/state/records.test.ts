import { describe, expect, it } from 'vitest';
import { detectFormat, MAX_RECORDS, parseRecords } from './records.js';

describe('parseRecords', () => {
  it('reads a JSON array of objects', () => {
    const r = parseRecords('[{"name":"Ada","n":1},{"name":"Grace"}]');
    expect(r).toEqual({ format: 'json', records: [{ name: 'Ada', n: 1 }, { name: 'Grace' }], where: ['Record 1', 'Record 2'], errors: [] });
  });

  it('names the records of a JSON array that are not objects, counting from 1', () => {
    const r = parseRecords('[{"a":1}, 2, null, [1]]');
    expect(r.errors).toEqual([
      'Record 2 is not an object (found a number).',
      'Record 3 is not an object (found null).',
      'Record 4 is not an object (found an array).',
    ]);
  });

  it('says when JSON does not parse or is not an array', () => {
    expect(parseRecords('[{"a":1},', 'json').errors[0]).toMatch(/^Not valid JSON/);
    expect(parseRecords('{"a":1}', 'json').errors).toEqual(['Expected a JSON array of records, such as [{"name": "Ada"}].']);
  });

  it('reads JSON Lines, skipping blank lines, and reports bad lines by number', () => {
    const ok = parseRecords('{"a":1}\n\n{"a":2}\r\n');
    expect(ok).toEqual({ format: 'jsonl', records: [{ a: 1 }, { a: 2 }], where: ['Line 1', 'Line 3'], errors: [] });
    const bad = parseRecords('{"a":1}\n{"a":\n"x"\n{"a":3}');
    expect(bad.records).toEqual([{ a: 1 }, { a: 3 }]);
    expect(bad.where).toEqual(['Line 1', 'Line 4']);
    expect(bad.errors).toHaveLength(2);
    expect(bad.errors[0]).toMatch(/^Line 2: not valid JSON/);
    expect(bad.errors[1]).toBe('Line 3: expected an object, found a string.');
  });

  it('reads CSV with the header as binding keys, quoted commas and newlines, and drops empty cells', () => {
    const csv = 'customer.name,amount,note\n"Lovelace, Ada",12.5,"two\nlines"\nGrace,,\n';
    const r = parseRecords(csv);
    expect(r.format).toBe('csv');
    expect(r.errors).toEqual([]);
    expect(r.records).toEqual([{ 'customer.name': 'Lovelace, Ada', amount: '12.5', note: 'two\nlines' }, { 'customer.name': 'Grace' }]);
  });

  it('reads semicolon CSV and strips a byte-order mark', () => {
    expect(parseRecords('\uFEFFa;b\n1;2\n', 'csv').records).toEqual([{ a: '1', b: '2' }]);
  });

  it('reports CSV rows with the wrong number of values by spreadsheet row, and bad headers', () => {
    const r = parseRecords('a,b\n1,2\n3\n4,5,6\n');
    expect(r.records).toEqual([{ a: '1', b: '2' }]);
    expect(r.errors).toContain('Row 3: 1 value(s) for 2 column(s).');
    expect(r.errors).toContain('Row 4: 3 value(s) for 2 column(s).');
    expect(parseRecords('a,,a\n1,2,3', 'csv').errors).toEqual([
      'Header column 2 is empty: every column needs a binding key.',
      'Header column “a” appears twice.',
    ]);
  });

  it('asks for data when there is none, and for records when only a header is given', () => {
    expect(parseRecords('  ').errors).toEqual(['Paste or upload at least one record.']);
    expect(parseRecords('a,b\n').errors).toEqual(['No records found.']);
  });

  it('refuses more records than one job takes and caps the list of problems', () => {
    const many = parseRecords(`a\n${'1\n'.repeat(MAX_RECORDS + 1)}`);
    expect(many.errors).toEqual([`${MAX_RECORDS + 1} records: at most ${MAX_RECORDS} per job. Split the batch.`]);
    const bad = parseRecords(Array.from({ length: 30 }, () => 'x').join('\n'), 'jsonl');
    expect(bad.errors).toHaveLength(21);
    expect(bad.errors[20]).toBe('…and 10 more problem(s).');
  });

  it('detects the format from the file name first, then the text', () => {
    expect(detectFormat('{"a":1}', 'data.csv')).toBe('csv');
    expect(detectFormat('a,b', 'data.ndjson')).toBe('jsonl');
    expect(detectFormat('  [{}]')).toBe('json');
    expect(detectFormat('{"a":1}')).toBe('jsonl');
    expect(detectFormat('name\nAda')).toBe('csv');
  });
});
