import type { RE2JS } from 're2js';
import type { FieldValidation } from '@/shared/domain/field.js';
import type { ValidatableField, ValidationCode } from './index.js';
import { compilePattern } from './pattern.js';
import { asBoolean, asIsoDate, asNumber, barcodeProblem, imageProblem, isEmail, strokesProblem } from './values.js';

/**
 * The rules one value is checked against, shared by fields and table cells (a column's cells are
 * checked as a field of the column's format with the column's rules), so both say the same thing
 * in the same words.
 */

export type AddIssue = (code: ValidationCode, message: string, kind?: 'payload' | 'template') => void;

const MAX_PATTERN_INPUT = 100_000;

/** A field's own rules, compiled once: the pattern and the date bounds. */
export interface CompiledRules {
  rules: Partial<FieldValidation>;
  pattern?: RE2JS;
  minDate?: Date;
  maxDate?: Date;
}

/** Compiles the rules; a rule that cannot be applied is reported as a template issue. */
export function compileRules(
  rules: Partial<FieldValidation>,
  label: string,
  add: AddIssue,
  patterns: Map<string, RE2JS | Error>,
): CompiledRules {
  let pattern: RE2JS | undefined;
  if (rules.pattern !== undefined) {
    const compiled = compilePattern(rules.pattern, patterns);
    if (compiled instanceof Error)
      add(
        'invalid_pattern',
        `${label}: the template's pattern ${JSON.stringify(rules.pattern)} is not a usable regular expression (${compiled.message})`,
        'template',
      );
    else pattern = compiled;
  }
  const minDate = rules.minDate !== undefined ? asIsoDate(rules.minDate) : undefined;
  const maxDate = rules.maxDate !== undefined ? asIsoDate(rules.maxDate) : undefined;
  if (rules.minDate !== undefined && !minDate)
    add('invalid_rule', `${label}: the template's minDate ${JSON.stringify(rules.minDate)} is not an ISO date`, 'template');
  if (rules.maxDate !== undefined && !maxDate)
    add('invalid_rule', `${label}: the template's maxDate ${JSON.stringify(rules.maxDate)} is not an ISO date`, 'template');
  return { rules, pattern, minDate, maxDate };
}

export interface ValueContext {
  maxValueLength: number;
  maxSignaturePoints?: number;
  /** Allowed options (radio groups, dropdowns, validation type option). */
  options: string[];
  required: boolean;
}

/** Checks one present value against the field's type and rules. */
export function checkValue(
  field: Pick<ValidatableField, 'type' | 'advanced'>,
  value: unknown,
  label: string,
  compiled: CompiledRules,
  ctx: ValueContext,
  add: AddIssue,
): void {
  const { rules, pattern, minDate, maxDate } = compiled;
  const advanced = field.advanced ?? {};
  const { maxValueLength, options, required } = ctx;
  // Per-type shape of the value.
  switch (field.type) {
    case 'checkbox': {
      const b = asBoolean(value);
      if (b === undefined) add('type', `${label} must be true or false (or yes/no, 1/0, on/off)`);
      else if (required && !b) add('required', `${label} must be checked`);
      return;
    }
    case 'image': {
      const problem = imageProblem(value);
      if (problem) add('type', `${label}: ${problem}`);
      return;
    }
    case 'signature': {
      const problem = typeof value === 'string' ? imageProblem(value) : strokesProblem(value, ctx.maxSignaturePoints);
      if (problem) add('type', `${label}: ${problem}`);
      return;
    }
    case 'number':
      if (asNumber(value) === undefined) {
        add('type', `${label} must be a number`);
        return;
      }
      break;
    case 'date':
      if (!asIsoDate(value)) {
        add('date', `${label} must be an ISO date such as 2024-12-31 (or a date-time such as 2024-12-31T09:30:00Z)`);
        return;
      }
      break;
    default:
      if (typeof value === 'object') {
        add('type', `${label} must be text, not ${Array.isArray(value) ? 'a list' : 'an object'}`);
        return;
      }
  }
  const text = typeof value === 'string' ? value : String(value);
  // Before any rule that reads the whole text (options, patterns, counting code points).
  if (text.length > maxValueLength) {
    add('value_too_long', `${label} is ${text.length} characters long; the most a field takes is ${maxValueLength}`);
    return;
  }

  if (options.length > 0 && !options.includes(text)) {
    add('option', `${label} must be one of ${formatOptions(options)}`);
  }

  if (field.type === 'barcode') {
    const problem = barcodeProblem(advanced.barcode?.format ?? 'qrcode', text);
    if (problem) add(problem.code, `${label}: ${problem.message}`);
  }

  // Numbers: for number fields and for any field whose validation type is 'number'.
  if (field.type === 'number' || rules.type === 'number') {
    const n = asNumber(value);
    if (n === undefined) add('type', `${label} must be a number`);
    else {
      if (rules.min !== undefined && n < rules.min) add('min', `${label} must be at least ${rules.min}`);
      if (rules.max !== undefined && n > rules.max) add('max', `${label} must be at most ${rules.max}`);
    }
  }

  // Dates: for date fields and validation type 'date'.
  if (field.type === 'date' || rules.type === 'date') {
    const d = asIsoDate(value);
    if (!d) {
      if (field.type !== 'date') add('date', `${label} must be an ISO date such as 2024-12-31`);
    } else if ((minDate && d < minDate) || (maxDate && d > maxDate)) {
      const range =
        minDate && maxDate
          ? `between ${rules.minDate} and ${rules.maxDate}`
          : minDate
            ? `on or after ${rules.minDate}`
            : `on or before ${rules.maxDate}`;
      add('date_range', `${label} must be ${range}`);
    }
  }

  if (rules.type === 'email' && !isEmail(text)) add('email', `${label} must be an email address`);

  const length = [...text].length;
  if (rules.minLength !== undefined && length < rules.minLength)
    add('minLength', `${label} must be at least ${rules.minLength} characters long`);
  const maxLength = minDefined(rules.maxLength, advanced.maxLength);
  if (maxLength !== undefined && length > maxLength)
    add('maxLength', `${label} must be at most ${maxLength} characters long (it has ${length})`);

  if (pattern) {
    const matched = text.length <= MAX_PATTERN_INPUT && pattern.test(text);
    if (!matched) add('pattern', `${label} does not match the expected format`);
  }
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function formatOptions(options: string[]): string {
  const shown = options.slice(0, 10).map((o) => JSON.stringify(o));
  return options.length > 10 ? `${shown.join(', ')}, … (${options.length} options)` : shown.join(', ');
}
