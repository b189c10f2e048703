import { describe, expect, it } from 'vitest';
import type { PreflightResult } from '../api/types.js';
import { continuedTextLines, formatCodePoint, groupLines, issuesByField, pageCountNote, preflightLines, tableLines } from './preflight.js';

// The shape POST /api/templates/:id/preflight answers (codePoint already formatted as a string).
const result: PreflightResult = {
  ok: false,
  errors: [{ fieldId: 'f-country', bindingKey: 'country', code: 'option', message: '"country" must be one of "France", "Japan"' }],
  missingGlyphs: [
    { fieldId: 'f-name', char: 'क', codePoint: 'U+0915' },
    { fieldId: 'f-name', char: 'ख', codePoint: 'U+0916' },
  ],
  overflows: [{ fieldId: 'f-code', message: 'Text does not fit even at 6pt; cut with an ellipsis' }],
  renderErrors: [
    { fieldId: 'f-country', code: 'invalid_option', message: '"Atlantis" is not one of the options' },
    { fieldId: 'f-amount', code: 'invalid_number', message: 'not a number' },
  ],
  unknownKeys: ['custmer'],
  tables: [],
};

describe('preflight findings', () => {
  const keys: Record<string, string> = { 'f-name': 'k-name', 'f-code': 'k-code', 'f-country': 'k-country' };
  const names: Record<string, string> = { 'k-name': 'customer', 'k-code': 'code', 'k-country': 'country' };
  const lines = preflightLines(
    result,
    (id) => keys[id],
    (k) => names[k],
  );

  it('names the field of every finding, shows code points once, and groups a field’s missing glyphs', () => {
    expect(lines).toEqual([
      { key: 'k-country', label: 'country', message: '"country" must be one of "France", "Japan"' },
      { key: 'f-amount', label: 'f-amount', message: 'not a number' },
      { key: 'k-name', label: 'customer', message: 'No font has a glyph for U+0915, U+0916: it would be left out.' },
      { key: 'k-code', label: 'code', message: 'Text does not fit even at 6pt; cut with an ellipsis' },
      { key: null, label: 'custmer', message: 'no field is bound to this key of the data: misspelt?' },
    ]);
  });

  it('keys the messages by editor field', () => {
    const m = issuesByField(lines);
    expect(m.get('k-name')).toHaveLength(1);
    expect(m.get('k-country')).toEqual(['"country" must be one of "France", "Japan"']);
    expect(m.has('f-country')).toBe(false);
  });

  it('formats a code point given as the API string or as a number', () => {
    expect(formatCodePoint('U+0915', 'क')).toBe('U+0915');
    expect(formatCodePoint(0x915, 'क')).toBe('U+0915');
    expect(formatCodePoint(0x1f600, '😀')).toBe('U+1F600');
  });
});

describe('preflight table layout', () => {
  it('says per table how many rows stay in its box and how many continue on how many added pages', () => {
    const r: PreflightResult = {
      ...result,
      tables: [
        { fieldId: 'f-items', bindingKey: 'items', rows: 14, continuationRows: 5, continuationPages: 1 },
        { fieldId: 'f-more', bindingKey: 'more', rows: 1, continuationRows: 0, continuationPages: 0 },
        { fieldId: 'f-long', bindingKey: 'long', rows: 60, continuationRows: 51, continuationPages: 3 },
      ],
    };
    expect(
      tableLines(
        r,
        (id) => (id === 'f-items' ? 'k-items' : undefined),
        (k) => (k === 'k-items' ? 'Line items' : undefined),
      ),
    ).toEqual([
      { key: 'k-items', label: 'Line items', message: '14 rows: 9 in its box, 5 continue on 1 added page.' },
      { key: 'f-more', label: 'more', message: '1 row, all in its box.' },
      { key: 'f-long', label: 'long', message: '60 rows: 9 in its box, 51 continue on 3 added pages.' },
    ]);
    expect(
      tableLines(
        { ...result, tables: [] },
        () => undefined,
        () => undefined,
      ),
    ).toEqual([]);
  });
});

describe('preflight on groups, continuing text, script fonts and pages', () => {
  const keyOf = (id: string) => (id === 'f-labels' ? 'k-labels' : undefined);
  const nameOf = (k: string) => (k === 'k-labels' ? 'Address labels' : undefined);

  it('says per group how many items fill its page’s cells and how many continue on how many added pages', () => {
    const r: PreflightResult = {
      ...result,
      groups: [
        { fieldId: 'f-labels', bindingKey: 'labels', items: 20, continuationItems: 12, continuationPages: 2 },
        { fieldId: 'f-cards', bindingKey: 'cards', items: 1, continuationItems: 0, continuationPages: 0 },
        { fieldId: 'f-more', bindingKey: 'more', items: 9, continuationItems: 1, continuationPages: 1 },
      ],
    };
    expect(groupLines(r, keyOf, nameOf)).toEqual([
      { key: 'k-labels', label: 'Address labels', message: '20 items: 8 in the cells of its page, 12 continue on 2 added pages.' },
      { key: 'f-cards', label: 'cards', message: '1 item, all in the cells of its page.' },
      { key: 'f-more', label: 'more', message: '9 items: 8 in the cells of its page, 1 continue on 1 added page.' },
    ]);
    expect(groupLines(result, keyOf, nameOf)).toEqual([]);
  });

  it('says per continuing text how many lines it has and how many continue', () => {
    const r: PreflightResult = {
      ...result,
      continuedTexts: [
        { fieldId: 'f-terms', bindingKey: 'terms', lines: 120, continuationLines: 90, continuationPages: 2 },
        { fieldId: 'f-note', bindingKey: 'note', lines: 1, continuationLines: 0, continuationPages: 0 },
      ],
    };
    expect(continuedTextLines(r, keyOf, nameOf)).toEqual([
      { key: 'f-terms', label: 'terms', message: '120 lines: 30 in its box, 90 continue on 2 added pages.' },
      { key: 'f-note', label: 'note', message: '1 line, all in its box.' },
    ]);
  });

  it('lists a missing script font as a finding on its field, naming the npm package', () => {
    const r: PreflightResult = {
      ...result,
      errors: [],
      renderErrors: [],
      missingGlyphs: [],
      overflows: [],
      unknownKeys: [],
      fontWarnings: [
        {
          fieldId: 'f-labels',
          bindingKey: 'labels',
          code: 'script_font_missing',
          script: 'Thai',
          family: 'Noto Sans Thai',
          package: '@fontsource/noto-sans-thai',
          message: 'server words',
        },
      ],
    };
    expect(preflightLines(r, keyOf, nameOf)).toEqual([
      {
        key: 'k-labels',
        label: 'Address labels',
        message: 'Thai text needs Noto Sans Thai, which is not installed: npm install @fontsource/noto-sans-thai',
      },
    ]);
  });

  it('says how many pages the document will have, and how many are added', () => {
    expect(pageCountNote({ ...result, pageCount: 3 }, 1)).toBe('The document will have 3 pages (2 added for what continues).');
    expect(pageCountNote({ ...result, pageCount: 1 }, 1)).toBe('The document will have 1 page.');
    expect(pageCountNote(result, 1)).toBeNull();
  });
});
