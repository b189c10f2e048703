import { describe, expect, it } from 'vitest';
import { compileTemplate, PdfError, preflightDocument } from '@/pdf/index.js';
import { compileExpression, compileFieldExpressions, evaluateExpressions, isProblem } from '@/pdf/expressions/index.js';
import { fieldDefinitionIssues, validate } from '@/pdf/validate/index.js';
import { findText, pageText } from '../helpers/pdf-readback.js';
import { field, makeBase } from './render/support.js';

const invoice = {
  customer: { first: 'Ada', last: 'Lovelace', country: 'DE' },
  items: [
    { qty: 2, price: 10.5 },
    { qty: 3, price: 100 },
  ],
};

async function thrown(p: Promise<unknown>): Promise<PdfError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PdfError);
  return e as PdfError;
}

describe('calculated fields', () => {
  it('a number field with an expression prints the computed total, formatted as numbers are', async () => {
    const total = field({
      name: 'Total',
      type: 'number',
      bindingKey: 'total',
      position: { x: 100, y: 100 },
      advanced: { expression: '$sum(items.(qty * price))', number: { locale: 'en-US', decimals: 2 } },
    });
    const name = field({
      name: 'Name',
      bindingKey: 'customer.name',
      position: { x: 100, y: 200 },
      advanced: { expression: 'customer.first & " " & customer.last' },
    });
    const t = await compileTemplate(await makeBase(), [total, name]);
    const { bytes } = await t.generate(invoice);
    expect((await findText(bytes, '321.00'))!.x).toBeCloseTo(100, 0);
    expect(await pageText(bytes)).toContain('Ada Lovelace');
  });

  it('the computed value replaces the bound one for validation too', () => {
    const total = field({ type: 'number', bindingKey: 'total', validation: { max: 100 }, advanced: { expression: '$sum(items.price)' } });
    const program = compileFieldExpressions([total])!;
    return evaluateExpressions(program, invoice).then(({ computed }) => {
      const issues = validate([total], { ...invoice, total: 5 }, { computed });
      expect(issues.map((i) => i.code)).toEqual(['max']);
    });
  });
});

describe('conditions', () => {
  it('a false condition hides the field (its text is absent) and it is not a required-field error', async () => {
    const vat = field({
      name: 'VAT note',
      bindingKey: 'vatNote',
      position: { x: 100, y: 300 },
      validation: { required: true },
      advanced: { condition: 'customer.country = "DE"' },
    });
    const t = await compileTemplate(await makeBase(), [vat]);
    const shown = await t.generate({ ...invoice, vatNote: 'Reverse charge applies' });
    expect(await pageText(shown.bytes)).toContain('Reverse charge applies');
    const us = { ...invoice, customer: { ...invoice.customer, country: 'US' }, vatNote: 'Reverse charge applies' };
    const hidden = await t.generate(us);
    expect(await pageText(hidden.bytes)).not.toContain('Reverse charge');

    const program = compileFieldExpressions([vat])!;
    const { computed } = await evaluateExpressions(program, { customer: { country: 'US' } });
    expect(validate([vat], { customer: { country: 'US' } }, { computed })).toEqual([]);
    // Without the condition's verdict the same payload is missing a required value.
    expect(validate([vat], { customer: { country: 'US' } }).map((i) => i.code)).toEqual(['required']);
  });
});

describe('expression errors', () => {
  it('a parse error carries its code and position, and is a definition issue naming the property', () => {
    const c = compileExpression('$sum(items.(qty * price)');
    expect(isProblem(c)).toBe(true);
    expect(c).toMatchObject({ code: 'S0203', position: 24 });
    const issues = fieldDefinitionIssues({ advanced: { expression: 'qty +* price' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'advanced.expression', code: 'invalid_expression' });
    expect(issues[0].message).toMatch(/at position \d+/);
  });

  it.each(['$now()', '$millis()', '$random()', '($f := $now; $f())', '$eval("1 + 1")'])('%s is refused at compile time', (src) => {
    const c = compileExpression(src);
    expect(c).toMatchObject({ code: 'refused_function' });
    expect(fieldDefinitionIssues({ advanced: { condition: src } })[0]).toMatchObject({
      path: 'advanced.condition',
      code: 'invalid_expression',
    });
  });

  it('regular-expression literals are refused (a backtracking regex cannot be time-boxed)', () => {
    expect(compileExpression('$contains(name, /(a+)+$/)')).toMatchObject({ code: 'refused_regex' });
    expect(isProblem(compileExpression('$contains(name, "a")'))).toBe(false);
  });

  it('an endless loop is stopped by the time limit and is a typed error naming the field', async () => {
    const f = field({ name: 'Loop', bindingKey: 'loop', advanced: { expression: '($loop := function($i){ $loop($i + 1) }; $loop(0))' } });
    const t = await compileTemplate(await makeBase(), [f]);
    const started = performance.now();
    const e = await thrown(t.generate({}));
    // Bounded: the 100 ms guardrail, with generous room for a loaded machine (not a timing assertion of speed).
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(e.code).toBe('expression_failed');
    expect(e.message).toContain('"Loop"');
    expect(e.details).toMatchObject({ name: 'Loop', property: 'expression', expressionCode: 'D1012', errors: [{ code: 'D1012' }] });
  });

  it('deep recursion is stopped by the depth limit', async () => {
    const f = field({ name: 'Deep', advanced: { expression: '($f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(100000))' } });
    const program = compileFieldExpressions([f])!;
    const e = await thrown(evaluateExpressions(program, {}));
    expect(e.details).toMatchObject({ expressionCode: 'D1011' });
  });

  it('an evaluation error names the field and the position; preflight lists every one', async () => {
    const bad = field({ name: 'Bad', bindingKey: 'bad', advanced: { expression: 'customer.first + 1' } });
    const alsoBad = field({ name: 'Cond', bindingKey: 'cond', advanced: { condition: '$sum(customer.first)' } });
    const ok = field({ name: 'Ok', bindingKey: 'ok', advanced: { expression: '"fine"' } });
    const t = await compileTemplate(await makeBase(), [bad, ok]);
    const e = await thrown(t.generate(invoice));
    expect(e.code).toBe('expression_failed');
    expect(e.details).toMatchObject({ name: 'Bad', property: 'expression', expressionCode: 'T2001', position: expect.any(Number) });

    const pf = await preflightDocument([bad, alsoBad, ok], invoice);
    expect(pf.ok).toBe(false);
    expect(pf.renderErrors.map((r) => [r.name, r.code])).toEqual([
      ['Bad', 'expression_failed'],
      ['Cond', 'expression_failed'],
    ]);
    expect(pf.renderErrors[0].message).toMatch(/position \d+/);
  });

  it('the payload is all an expression sees: no prototypes, no globals', async () => {
    const f = field({ advanced: { expression: '[constructor, __proto__, $string(process), a.constructor]' } });
    const { computed } = await evaluateExpressions(compileFieldExpressions([f])!, { a: {} });
    expect(computed.values[f.fieldId]).toEqual([]);
  });
});
