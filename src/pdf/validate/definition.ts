import type { FieldInput } from '@/shared/domain/field.js';
import { compileExpression, describeProblem, fieldExpressionSources, isProblem } from '../expressions/compile.js';
import type { FontRegistry } from '../fonts/registry.js';
import { compilePattern } from './pattern.js';
import { asIsoDate } from './values.js';

/**
 * What is wrong with a field's own definition, independent of any data: rules that cannot be
 * applied (a pattern that does not compile, a minDate that is no date, min above max) and
 * settings the renderer cannot honour (an unknown font, time zone, locale or currency). The
 * service refuses such a field when it is saved and a template holding one when it is published,
 * so the problem surfaces in the studio rather than at the first generate (or, for rules, as a
 * check that silently never runs).
 */
export interface DefinitionIssue {
  /** Where in the field, e.g. `validation.pattern`, `advanced.date.timezone`, `style.fontFamily`. */
  path: string;
  code:
    | 'invalid_expression'
    | 'invalid_pattern'
    | 'invalid_date'
    | 'invalid_range'
    | 'invalid_timezone'
    | 'invalid_locale'
    | 'invalid_currency'
    | 'font_unknown'
    | 'invalid_table'
    | 'invalid_group'
    | 'invalid_overflow';
  message: string;
}

export interface DefinitionCheckOptions {
  /** The families a field may name; without it fonts are not checked. */
  fonts?: Pick<FontRegistry, 'has'>;
}

type CheckedField = Pick<FieldInput, 'validation' | 'advanced' | 'style'> & { type?: FieldInput['type'] };

export function fieldDefinitionIssues(field: CheckedField, opts: DefinitionCheckOptions = {}): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const add = (path: string, code: DefinitionIssue['code'], message: string) => issues.push({ path, code, message });
  const rules = field.validation ?? {};
  const advanced = field.advanced ?? {};

  ruleIssues(rules, 'validation', add);

  if (advanced.date) {
    if (advanced.date.timezone !== undefined && !isTimeZone(advanced.date.timezone))
      add(
        'advanced.date.timezone',
        'invalid_timezone',
        `${JSON.stringify(advanced.date.timezone)} is not an IANA time zone (e.g. Europe/Paris)`,
      );
    checkLocale(advanced.date.locale, 'advanced.date.locale', add);
  }
  if (advanced.number) {
    checkLocale(advanced.number.locale, 'advanced.number.locale', add);
    const currency = advanced.number.currency;
    if (currency !== undefined && !CURRENCIES.has(currency.toUpperCase()))
      add('advanced.number.currency', 'invalid_currency', `${JSON.stringify(currency)} is not an ISO 4217 currency code (e.g. EUR)`);
  }
  if (field.type === 'table' && advanced.group === undefined) tableDefinitionIssues(advanced.table, add);
  if (advanced.group !== undefined) {
    if (field.type !== undefined && field.type !== 'table')
      add('advanced.group', 'invalid_group', 'a repeating group is a table field (type table) with advanced.group');
    else if (advanced.table !== undefined)
      add(
        'advanced.group',
        'invalid_group',
        'a table field has either columns (advanced.table) or a grid of member fields (advanced.group), not both',
      );
  }
  if (advanced.overflow === 'continue' && field.type !== undefined && field.type !== 'text')
    add('advanced.overflow', 'invalid_overflow', `only text fields continue on other pages; a ${field.type} field cannot`);
  // An expression that does not parse (or uses a refused function) fails every document.
  for (const { property, source } of fieldExpressionSources({ name: '', bindingKey: '', advanced })) {
    const compiled = compileExpression(source);
    if (isProblem(compiled)) add(`advanced.${property}`, 'invalid_expression', `${JSON.stringify(source)}: ${describeProblem(compiled)}`);
  }
  const family = field.style?.fontFamily;
  if (family !== undefined && opts.fonts && !opts.fonts.has(family))
    add('style.fontFamily', 'font_unknown', `no font family ${JSON.stringify(family)} (GET /api/fonts lists them)`);
  return issues;
}

/** Rules that cannot be applied: a pattern that does not compile, a bound that is no date, min above max. */
function ruleIssues(
  rules: NonNullable<CheckedField['validation']>,
  at: string,
  add: (path: string, code: DefinitionIssue['code'], m: string) => void,
): void {
  if (rules.pattern !== undefined) {
    const compiled = compilePattern(rules.pattern);
    if (compiled instanceof Error)
      add(`${at}.pattern`, 'invalid_pattern', `${JSON.stringify(rules.pattern)} is not a usable regular expression (${compiled.message})`);
  }
  const minDate = checkDate(rules.minDate, `${at}.minDate`, add);
  const maxDate = checkDate(rules.maxDate, `${at}.maxDate`, add);
  if (minDate && maxDate && minDate > maxDate)
    add(`${at}.maxDate`, 'invalid_range', `maxDate ${rules.maxDate} is before minDate ${rules.minDate}`);
  if (rules.min !== undefined && rules.max !== undefined && rules.min > rules.max)
    add(`${at}.max`, 'invalid_range', `max ${rules.max} is below min ${rules.min}`);
  if (rules.minLength !== undefined && rules.maxLength !== undefined && rules.minLength > rules.maxLength)
    add(`${at}.maxLength`, 'invalid_range', `maxLength ${rules.maxLength} is below minLength ${rules.minLength}`);
}

/** A table needs its columns; each column's number and date formats are checked as a field's are. */
function tableDefinitionIssues(
  table: NonNullable<CheckedField['advanced']>['table'],
  add: (path: string, code: DefinitionIssue['code'], m: string) => void,
): void {
  if (!table) return add('advanced.table', 'invalid_table', 'a table field needs advanced.table with at least one column');
  if (table.minRowHeight !== undefined && table.maxRowHeight !== undefined && table.minRowHeight > table.maxRowHeight)
    add('advanced.table.maxRowHeight', 'invalid_range', `maxRowHeight ${table.maxRowHeight} is below minRowHeight ${table.minRowHeight}`);
  const keys = new Set(table.columns.map((c) => c.key));
  table.rowStyles?.forEach((r, i) => {
    if (r.column !== undefined && !keys.has(r.column))
      add(`advanced.table.rowStyles[${i}].column`, 'invalid_table', `no column with key ${JSON.stringify(r.column)}`);
  });
  if (table.totals && !table.columns.some((c) => c.sum))
    add('advanced.table.totals', 'invalid_table', 'totals lines need at least one column marked sum');
  table.columns.forEach((c, i) => {
    const at = `advanced.table.columns[${i}]`;
    if (c.validation) ruleIssues(c.validation, `${at}.validation`, add);
    if (c.sum && c.format !== 'number') add(`${at}.sum`, 'invalid_table', 'only a number column can be summed (set its format to number)');
    if (c.date?.timezone !== undefined && !isTimeZone(c.date.timezone))
      add(`${at}.date.timezone`, 'invalid_timezone', `${JSON.stringify(c.date.timezone)} is not an IANA time zone (e.g. Europe/Paris)`);
    checkLocale(c.date?.locale, `${at}.date.locale`, add);
    checkLocale(c.number?.locale, `${at}.number.locale`, add);
    if (c.number?.currency !== undefined && !CURRENCIES.has(c.number.currency.toUpperCase()))
      add(`${at}.number.currency`, 'invalid_currency', `${JSON.stringify(c.number.currency)} is not an ISO 4217 currency code (e.g. EUR)`);
  });
}

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

function checkDate(value: string | undefined, path: string, add: (path: string, code: DefinitionIssue['code'], m: string) => void) {
  if (value === undefined) return undefined;
  const date = asIsoDate(value);
  if (!date) add(path, 'invalid_date', `${JSON.stringify(value)} is not an ISO 8601 date (YYYY-MM-DD)`);
  return date;
}

function checkLocale(locale: string | undefined, path: string, add: (path: string, code: DefinitionIssue['code'], m: string) => void) {
  if (locale === undefined) return;
  try {
    Intl.getCanonicalLocales(locale);
  } catch {
    add(path, 'invalid_locale', `${JSON.stringify(locale)} is not a BCP 47 locale (e.g. de-DE)`);
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
