import { describe, expect, it } from 'vitest';
import { PdfError } from '@/pdf/errors.js';
import { assertValid, ean13CheckDigit, payloadErrors, validate, VALIDATION_CODES, type ValidatableField } from '@/pdf/validate/index.js';
import { fieldInputSchema } from '@/shared/domain/field.js';

const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]).toString('base64');

let seq = 0;
function field(partial: Partial<ValidatableField> & Pick<ValidatableField, 'type' | 'bindingKey'>): ValidatableField {
  seq += 1;
  return { fieldId: `f${seq}`, name: partial.bindingKey, page: 1, position: { x: 0, y: 0 }, size: { width: 100, height: 20 }, ...partial };
}

const codes = (fields: ValidatableField[], payload: unknown) => validate(fields, payload).map((i) => `${i.bindingKey}:${i.code}`);

describe('validate: one code at a time', () => {
  it('required (validation.required and advanced.required), absent/blank/null all count as missing', () => {
    const f = [
      field({ type: 'text', bindingKey: 'a', validation: { required: true } }),
      field({ type: 'text', bindingKey: 'b', advanced: { required: true } }),
    ];
    expect(codes(f, {})).toEqual(['a:required', 'b:required']);
    expect(codes(f, { a: '  ', b: null })).toEqual(['a:required', 'b:required']);
    expect(codes(f, { a: 'x', b: 0 })).toEqual([]);
  });

  it('type: number must be a finite number or numeric string', () => {
    const f = [field({ type: 'number', bindingKey: 'n' })];
    for (const ok of [12, -3.5, '42', ' 1e3 ', '.5']) expect(codes(f, { n: ok })).toEqual([]);
    for (const bad of ['12abc', 'NaN', 'Infinity', true, { v: 1 }, '1,5']) expect(codes(f, { n: bad })).toEqual(['n:type']);
    expect(codes(f, { n: Number.POSITIVE_INFINITY })).toEqual(['n:type']);
  });

  it('min and max on numbers', () => {
    const f = [field({ type: 'number', bindingKey: 'qty', validation: { min: 1, max: 10 } })];
    expect(codes(f, { qty: 0 })).toEqual(['qty:min']);
    expect(codes(f, { qty: '11' })).toEqual(['qty:max']);
    expect(codes(f, { qty: 10 })).toEqual([]);
  });

  it('date: valid ISO date or date-time; impossible calendar dates fail', () => {
    const f = [field({ type: 'date', bindingKey: 'd' })];
    for (const ok of ['2024-02-29', '2024-12-31T09:30:00Z', '2024-12-31T09:30:00+02:00', '2024-12-31T09:30:00'])
      expect(codes(f, { d: ok })).toEqual([]);
    for (const bad of ['2023-02-29', '2024-13-01', '31/12/2024', 'tomorrow', 20241231]) expect(codes(f, { d: bad })).toEqual(['d:date']);
  });

  it('date_range from minDate / maxDate', () => {
    const f = [field({ type: 'date', bindingKey: 'd', validation: { minDate: '2024-01-01', maxDate: '2024-12-31' } })];
    expect(codes(f, { d: '2023-12-31' })).toEqual(['d:date_range']);
    expect(codes(f, { d: '2025-01-01' })).toEqual(['d:date_range']);
    expect(codes(f, { d: '2024-06-15' })).toEqual([]);
  });

  it('checkbox: boolean-ish values; a required checkbox must be checked', () => {
    const f = [field({ type: 'checkbox', bindingKey: 'c' })];
    for (const ok of [true, false, 1, 0, 'yes', 'No', 'on', 'off', 'true', 'X']) expect(codes(f, { c: ok })).toEqual([]);
    for (const bad of ['maybe', 2, { a: 1 }]) expect(codes(f, { c: bad })).toEqual(['c:type']);
    const req = [field({ type: 'checkbox', bindingKey: 'agree', validation: { required: true } })];
    expect(codes(req, { agree: false })).toEqual(['agree:required']);
    expect(codes(req, { agree: 'yes' })).toEqual([]);
  });

  it('image: PNG/JPEG data URL or base64', () => {
    const f = [field({ type: 'image', bindingKey: 'logo' })];
    expect(codes(f, { logo: `data:image/png;base64,${PNG_1x1}` })).toEqual([]);
    expect(codes(f, { logo: PNG_1x1 })).toEqual([]);
    expect(codes(f, { logo: `data:image/jpeg;base64,${JPEG_HEAD}` })).toEqual([]);
    expect(codes(f, { logo: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' })).toEqual(['logo:type']);
    expect(codes(f, { logo: Buffer.from('GIF89a....').toString('base64') })).toEqual(['logo:type']);
    expect(codes(f, { logo: 'not base64 !!' })).toEqual(['logo:type']);
    expect(codes(f, { logo: 42 })).toEqual(['logo:type']);
  });

  it('signature: an image or drawn strokes', () => {
    const f = [field({ type: 'signature', bindingKey: 'sig' })];
    expect(codes(f, { sig: PNG_1x1 })).toEqual([]);
    expect(codes(f, { sig: { strokes: [[{ x: 0, y: 0 }, [5, 5]]] } })).toEqual([]);
    expect(codes(f, { sig: [[{ x: 'a', y: 0 }]] })).toEqual(['sig:type']);
    expect(codes(f, { sig: { lines: [] } })).toEqual(['sig:type']);
  });

  it('barcode: EAN-13 digits and check digit, Code 128 ASCII, QR capacity', () => {
    expect(ean13CheckDigit('400638133393')).toBe(1);
    const ean = [field({ type: 'barcode', bindingKey: 'ean', advanced: { barcode: { format: 'ean13' } } })];
    expect(codes(ean, { ean: '4006381333931' })).toEqual([]);
    expect(codes(ean, { ean: '400638133393' })).toEqual([]);
    expect(codes(ean, { ean: '4006381333932' })).toEqual(['ean:pattern']);
    expect(codes(ean, { ean: '40063813339' })).toEqual(['ean:pattern']);
    expect(codes(ean, { ean: 'ABCDEFGHIJKLM' })).toEqual(['ean:pattern']);
    const c128 = [field({ type: 'barcode', bindingKey: 'c', advanced: { barcode: { format: 'code128' } } })];
    expect(codes(c128, { c: 'ABC-123' })).toEqual([]);
    expect(codes(c128, { c: 'Ünïcode' })).toEqual(['c:pattern']);
    const qr = [field({ type: 'barcode', bindingKey: 'q' })];
    expect(codes(qr, { q: 'https://example.com' })).toEqual([]);
    expect(codes(qr, { q: 'x'.repeat(3000) })).toEqual(['q:maxLength']);
  });

  it('maxLength (validation or advanced, the smaller wins) and minLength count characters, not bytes', () => {
    const f = [field({ type: 'text', bindingKey: 't', advanced: { maxLength: 5 }, validation: { maxLength: 8, minLength: 2 } })];
    expect(codes(f, { t: 'Zoë😀!' })).toEqual([]);
    expect(codes(f, { t: 'abcdef' })).toEqual(['t:maxLength']);
    expect(codes(f, { t: 'a' })).toEqual(['t:minLength']);
  });

  it('email', () => {
    const f = [field({ type: 'text', bindingKey: 'e', validation: { type: 'email' } })];
    expect(codes(f, { e: 'ada@example.com' })).toEqual([]);
    expect(codes(f, { e: 'ada@' })).toEqual(['e:email']);
    expect(codes(f, { e: 'no at sign' })).toEqual(['e:email']);
  });

  it('pattern (searched like RegExp#test, JS syntax) with the field message', () => {
    const f = [
      field({
        type: 'text',
        bindingKey: 'p',
        validation: { type: 'pattern', pattern: '^INV-\\d{3}$', message: 'Invoice numbers look like INV-001' },
      }),
    ];
    expect(codes(f, { p: 'INV-001' })).toEqual([]);
    const issues = validate(f, { p: 'inv-1' });
    expect(issues).toEqual([
      { fieldId: f[0].fieldId, name: 'p', bindingKey: 'p', code: 'pattern', kind: 'payload', message: 'Invoice numbers look like INV-001' },
    ]);
  });

  it('option: radio and dropdown values must be among the options', () => {
    const dd = [field({ type: 'dropdown', bindingKey: 'size', advanced: { options: ['S', 'M', 'L'] } })];
    expect(codes(dd, { size: 'M' })).toEqual([]);
    expect(codes(dd, { size: 'XL' })).toEqual(['size:option']);
    const text = [field({ type: 'text', bindingKey: 'lang', validation: { type: 'option' }, advanced: { options: ['en', 'fr'] } })];
    expect(codes(text, { lang: 'de' })).toEqual(['lang:option']);
  });

  it('radio groups imported one field per button are one question: union of options, reported once', () => {
    const group = ['Red', 'Green', 'Blue'].map((o) =>
      field({ type: 'radio', bindingKey: 'colour', name: `colour = ${o}`, advanced: { options: [o], required: true } }),
    );
    expect(codes(group, { colour: 'Green' })).toEqual([]);
    expect(codes(group, { colour: 'Pink' })).toEqual(['colour:option']);
    expect(codes(group, {})).toEqual(['colour:required']);
  });

  it('text fields refuse objects and lists (type)', () => {
    const f = [field({ type: 'text', bindingKey: 'name' })];
    expect(codes(f, { name: { first: 'Ada' } })).toEqual(['name:type']);
    expect(codes(f, { name: ['Ada'] })).toEqual(['name:type']);
    expect(codes(f, { name: 42 })).toEqual([]);
  });

  it('hidden fields are not validated', () => {
    const f = [field({ type: 'text', bindingKey: 'h', advanced: { visibility: 'hidden', required: true } })];
    expect(codes(f, {})).toEqual([]);
  });
});

describe('validate: template errors never crash', () => {
  it('an invalid regex is a template error (invalid_pattern), other fields still checked', () => {
    const f = [field({ type: 'text', bindingKey: 'bad', validation: { pattern: '([a-z' } }), field({ type: 'number', bindingKey: 'n' })];
    const issues = validate(f, { bad: 'abc', n: 'x' });
    expect(issues.map((i) => `${i.bindingKey}:${i.code}:${i.kind}`)).toEqual(['bad:invalid_pattern:template', 'n:type:payload']);
    expect(issues[0].message).toMatch(/not a usable regular expression/);
    expect(payloadErrors(issues).map((i) => i.code)).toEqual(['type']);
  });

  it('patterns RE2 cannot run (look-ahead, back-references) are template errors too', () => {
    const f = [
      field({ type: 'text', bindingKey: 'la', validation: { pattern: '^(?=.*\\d).+$' } }),
      field({ type: 'text', bindingKey: 'br', validation: { pattern: '(a)\\1' } }),
    ];
    expect(validate(f, { la: 'a1', br: 'aa' }).map((i) => `${i.bindingKey}:${i.code}`)).toEqual([
      'la:invalid_pattern',
      'br:invalid_pattern',
    ]);
  });

  it('a catastrophic-backtracking pattern on a long hostile value returns quickly', () => {
    const f = [field({ type: 'text', bindingKey: 'r', validation: { pattern: '^(a+)+$' } })];
    const t0 = performance.now();
    expect(codes(f, { r: `${'a'.repeat(50_000)}!` })).toEqual(['r:pattern']);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('a minDate that is no date is invalid_rule', () => {
    const f = [field({ type: 'date', bindingKey: 'd', validation: { minDate: 'last year' } })];
    expect(validate(f, { d: '2024-01-01' }).map((i) => `${i.code}:${i.kind}`)).toEqual(['invalid_rule:template']);
  });
});

describe('validate: many errors at once, nested vs flat payloads', () => {
  const fields: ValidatableField[] = [
    field({ type: 'text', bindingKey: 'customer.name', validation: { required: true, maxLength: 10 } }),
    field({ type: 'text', bindingKey: 'customer.email', validation: { type: 'email', required: true } }),
    field({ type: 'number', bindingKey: 'invoice.total', validation: { min: 0 } }),
    field({ type: 'date', bindingKey: 'invoice.due', validation: { maxDate: '2030-01-01' } }),
    field({ type: 'dropdown', bindingKey: 'invoice.currency', advanced: { options: ['EUR', 'USD'] } }),
    field({ type: 'checkbox', bindingKey: 'terms', validation: { required: true } }),
    field({ type: 'text', bindingKey: 'invoice.number', validation: { pattern: '^INV-\\d+$' } }),
  ];
  const expected = [
    'customer.name:maxLength',
    'customer.email:email',
    'invoice.total:min',
    'invoice.due:date_range',
    'invoice.currency:option',
    'terms:required',
    'invoice.number:pattern',
  ];

  it('returns every error in field order (nested payload)', () => {
    const nested = {
      customer: { name: 'Bartholomew Jr.', email: 'nope' },
      invoice: { total: -5, due: '2031-05-01', currency: 'GBP', number: 'X1' },
      terms: false,
    };
    expect(codes(fields, nested)).toEqual(expected);
  });

  it('gives the same answer for the flat payload of a pdf-generation queue message', () => {
    const flat = {
      'customer.name': 'Bartholomew Jr.',
      'customer.email': 'nope',
      'invoice.total': -5,
      'invoice.due': '2031-05-01',
      'invoice.currency': 'GBP',
      'invoice.number': 'X1',
      terms: false,
    };
    expect(codes(fields, flat)).toEqual(expected);
  });

  it('a valid payload has no errors; each issue carries fieldId, name, bindingKey, code, message', () => {
    const ok = {
      customer: { name: 'Ada', email: 'ada@example.com' },
      'invoice.total': '12.50',
      invoice: { due: '2029-01-01', currency: 'EUR', number: 'INV-7' },
      terms: true,
    };
    expect(validate(fields, ok)).toEqual([]);
    const [issue] = validate(fields, {});
    expect(Object.keys(issue).sort()).toEqual(['bindingKey', 'code', 'fieldId', 'kind', 'message', 'name']);
    expect(issue.fieldId).toBe(fields[0].fieldId);
  });

  it('works on parsed (stored) fields with all defaults, and every code is reachable', () => {
    const parsed = fields.map((f) => ({ ...fieldInputSchema.parse(f), fieldId: f.fieldId }));
    expect(codes(parsed, {})).toEqual(['customer.name:required', 'customer.email:required', 'terms:required']);
    expect(VALIDATION_CODES).toEqual([
      'required',
      'type',
      'pattern',
      'min',
      'max',
      'maxLength',
      'minLength',
      'email',
      'date_range',
      'date',
      'option',
      'invalid_pattern',
      'invalid_rule',
      'value_too_long',
      'too_many_rows',
    ]);
  });

  it('accepts a template ({fields}) as well as the field list', () => {
    expect(codes(fields, {})).toEqual(validate({ fields }, {}).map((i) => `${i.bindingKey}:${i.code}`));
  });

  it('assertValid throws payload_invalid with the full list', () => {
    let err: unknown;
    try {
      assertValid(fields, {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PdfError);
    expect((err as PdfError).code).toBe('payload_invalid');
    expect(((err as PdfError).details as { errors: unknown[] }).errors).toHaveLength(3);
    expect(() => assertValid(fields, { customer: { name: 'A', email: 'a@b.co' }, terms: 'yes' })).not.toThrow();
  });
});
