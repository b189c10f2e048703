import type { RE2JS } from 're2js';
import type { FieldInput } from '@/shared/domain/field.js';
import { PdfError } from '../errors.js';
import { fieldKey } from '../expressions/compile.js';
import { computedFor, type ComputedValues } from '../expressions/evaluate.js';
import { isPresent, resolveBinding } from './binding.js';
import { compilePattern } from './pattern.js';
import { groupItemIssues, groupOf, isGroup } from './group.js';
import { tableIssues } from './table.js';
import { asBoolean, asIsoDate, asNumber, barcodeProblem, imageProblem, isEmail, strokesProblem } from './values.js';

export { resolveBinding, isPresent } from './binding.js';
export { unknownDataKeys, MAX_UNKNOWN_KEYS } from './unknown-keys.js';
export { fieldDefinitionIssues, type DefinitionIssue, type DefinitionCheckOptions } from './definition.js';
export { asBoolean, asIsoDate, asNumber, ean13CheckDigit, DEFAULT_MAX_SIGNATURE_POINTS } from './values.js';

/**
 * Checks a payload against a template's fields and returns every problem at once (never throws
 * for bad data). Rules come from each field's type, `validation` and `advanced`:
 *
 * - required (`validation.required` or `advanced.required`): the bound value is present (not
 *   missing, null, blank or []); a required checkbox must be checked.
 * - type: number = finite number or numeric string; date = ISO 8601 date or date-time;
 *   checkbox = boolean-ish; image = PNG/JPEG data URL or base64; signature = image or strokes;
 *   text-like = a string, number or boolean (not an object); barcode = symbology rules.
 * - min / max (numbers), minLength / maxLength (characters; `advanced.maxLength` too),
 *   pattern (RE2 syntax, searched like RegExp#test), email, minDate / maxDate (date_range),
 *   options (radio, dropdown, or `validation.type: 'option'`).
 * - Radio fields sharing a binding key (an imported group: one field per button) are one
 *   question: the value must be one of their options together, and it is reported once.
 * - Hidden fields (`advanced.visibility: 'hidden'`) are never printed and not validated.
 *
 * Problems of the template itself (a pattern that does not compile, a minDate that is no date)
 * come back in the same list with `kind: 'template'`, so a bad template never crashes a batch.
 */

export const VALIDATION_CODES = [
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
] as const;
export type ValidationCode = (typeof VALIDATION_CODES)[number];

export interface ValidationIssue {
  /** The field's id when it has one (stored fields), else null. */
  fieldId: string | null;
  name: string;
  bindingKey: string;
  code: ValidationCode;
  message: string;
  /** 'payload': the data is wrong. 'template': the field's own rules are (invalid_pattern, invalid_rule). */
  kind: 'payload' | 'template';
}

/** A template field as stored (FieldSpec / Field) or as sent (FieldInput): defaults may be missing. */
export type ValidatableField = FieldInput & { fieldId?: string };

const MAX_PATTERN_INPUT = 100_000;

/**
 * Longest text value (UTF-16 code units) a field takes unless the caller says otherwise: laying
 * out text is linear but a multi-megabyte value still costs seconds of fitting and a page of glyphs
 * nobody reads, so the bound is checked before any rendering. The service passes its configured one.
 */
export const DEFAULT_MAX_VALUE_LENGTH = 200_000;

export interface ValidateOptions {
  /** Longest text value of any field (UTF-16 code units); default DEFAULT_MAX_VALUE_LENGTH. */
  maxValueLength?: number;
  /** Points of one drawn signature; default DEFAULT_MAX_SIGNATURE_POINTS. */
  maxSignaturePoints?: number;
  /** Rows of one table; default DEFAULT_MAX_TABLE_ROWS (a table's own maxRows may be lower). */
  maxTableRows?: number;
  /**
   * The document's computed values (src/pdf/expressions): a field a false condition hides is not
   * validated; a calculated field is validated on its computed value, not the one at its key.
   */
  computed?: ComputedValues;
}

/** A template (anything with its fields) or the fields themselves. */
export type ValidationTarget = readonly ValidatableField[] | { fields: readonly ValidatableField[] };

export function validate(target: ValidationTarget, payload: unknown, opts: ValidateOptions = {}): ValidationIssue[] {
  const fields = 'fields' in target && !Array.isArray(target) ? target.fields : (target as readonly ValidatableField[]);
  return validateFields(fields, payload, opts, new Map());
}

/** validate() with the compiled patterns shared (a group's members are checked once per item). */
function validateFields(
  fields: readonly ValidatableField[],
  payload: unknown,
  opts: ValidateOptions,
  patterns: Map<string, RE2JS | Error>,
): ValidationIssue[] {
  const maxValueLength = opts.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;
  const issues: ValidationIssue[] = [];
  const radioGroups = groupRadios(fields);
  const doneRadio = new Set<string>();
  const membership = groupOf(fields);

  for (const field of fields) {
    // A group's members are checked per item, with their group.
    if (membership.has(field)) continue;
    const advanced = field.advanced ?? {};
    const rules = field.validation ?? {};
    // Hidden fields are never printed; page numbers print no data.
    if (advanced.visibility === 'hidden' || advanced.pageNumber !== undefined) continue;
    const computed = computedFor(opts.computed, fieldKey(field));
    if (computed.hidden) continue;
    if (field.type === 'radio') {
      if (doneRadio.has(field.bindingKey)) continue;
      doneRadio.add(field.bindingKey);
    }
    const custom = rules.message;
    const add = (code: ValidationCode, message: string, kind: 'payload' | 'template' = 'payload') => {
      issues.push({
        fieldId: field.fieldId ?? null,
        name: field.name,
        bindingKey: field.bindingKey,
        code,
        kind,
        message: kind === 'payload' && custom ? custom : message,
      });
    };
    const group = field.type === 'radio' ? (radioGroups.get(field.bindingKey) ?? [field]) : [field];
    const required = group.some((f) => f.validation?.required || f.advanced?.required);
    const value = computed.has ? computed.value : resolveBinding(payload, field.bindingKey);
    const label = `"${field.name}" (${field.bindingKey})`;

    // Template rules are checked even when the value is absent: a broken rule is broken for every record.
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

    if (!isPresent(value)) {
      if (required) add('required', `${label} is required`);
      continue;
    }

    // Per-type shape of the value.
    switch (field.type) {
      case 'table':
        if (isGroup(field)) {
          issues.push(...groupIssues(field, fields, membership, value, label, opts, patterns));
          continue;
        }
        for (const issue of tableIssues(field, value, label, { maxValueLength, maxRows: opts.maxTableRows })) {
          issues.push({ fieldId: field.fieldId ?? null, name: field.name, kind: 'payload', ...issue });
        }
        continue;
      case 'checkbox': {
        const b = asBoolean(value);
        if (b === undefined) add('type', `${label} must be true or false (or yes/no, 1/0, on/off)`);
        else if (required && !b) add('required', `${label} must be checked`);
        continue;
      }
      case 'image': {
        const problem = imageProblem(value);
        if (problem) add('type', `${label}: ${problem}`);
        continue;
      }
      case 'signature': {
        const problem = typeof value === 'string' ? imageProblem(value) : strokesProblem(value, opts.maxSignaturePoints);
        if (problem) add('type', `${label}: ${problem}`);
        continue;
      }
      case 'number':
        if (asNumber(value) === undefined) {
          add('type', `${label} must be a number`);
          continue;
        }
        break;
      case 'date':
        if (!asIsoDate(value)) {
          add('date', `${label} must be an ISO date such as 2024-12-31 (or a date-time such as 2024-12-31T09:30:00Z)`);
          continue;
        }
        break;
      default:
        if (typeof value === 'object') {
          add('type', `${label} must be text, not ${Array.isArray(value) ? 'a list' : 'an object'}`);
          continue;
        }
    }
    const text = typeof value === 'string' ? value : String(value);
    // Before any rule that reads the whole text (options, patterns, counting code points).
    if (text.length > maxValueLength) {
      add('value_too_long', `${label} is ${text.length} characters long; the most a field takes is ${maxValueLength}`);
      continue;
    }

    // Options: radio groups and dropdowns always, other fields when validation.type is 'option'.
    const options = group.flatMap((f) => f.advanced?.options ?? []);
    if ((field.type === 'radio' || field.type === 'dropdown' || rules.type === 'option') && options.length > 0 && !options.includes(text)) {
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
  return issues;
}

/** A group's items, each item's members validated as fields bound inside it (`labels[3].name`). */
function groupIssues(
  group: ValidatableField,
  fields: readonly ValidatableField[],
  membership: Map<ValidatableField, ValidatableField>,
  value: unknown,
  label: string,
  opts: ValidateOptions,
  patterns: Map<string, RE2JS | Error>,
): ValidationIssue[] {
  const members = fields.filter((f) => membership.get(f) === group).map((f) => ({ f, rel: f.bindingKey.slice(group.bindingKey.length) }));
  // Members have no expressions (a definition rule): only their bound values count.
  const itemOpts = { ...opts, computed: undefined };
  const found = groupItemIssues(group, value, label, opts.maxTableRows, (item, at) =>
    validateFields(
      members.map(({ f, rel }) => ({ ...f, bindingKey: `${at}${rel}` })),
      { [at]: item },
      itemOpts,
      patterns,
    ),
  );
  return found.map((issue) =>
    'kind' in issue ? issue : { fieldId: group.fieldId ?? null, name: group.name, kind: 'payload' as const, ...issue },
  );
}

/** Only the payload's problems (what a caller should reject a request for). */
export function payloadErrors(issues: ValidationIssue[]): ValidationIssue[] {
  return issues.filter((i) => i.kind === 'payload');
}

/** Throws PdfError('payload_invalid') listing every problem when there is any; for generation paths. */
export function assertValid(target: ValidationTarget, payload: unknown, opts: ValidateOptions = {}): void {
  const issues = validate(target, payload, opts);
  if (issues.length === 0) return;
  const head = issues
    .slice(0, 3)
    .map((i) => i.message)
    .join('; ');
  throw new PdfError('payload_invalid', `${issues.length} validation error(s): ${head}${issues.length > 3 ? '; …' : ''}`, {
    errors: issues,
  });
}

function groupRadios(fields: readonly ValidatableField[]): Map<string, ValidatableField[]> {
  const groups = new Map<string, ValidatableField[]>();
  for (const f of fields) {
    if (f.type !== 'radio' || f.advanced?.visibility === 'hidden') continue;
    const list = groups.get(f.bindingKey) ?? [];
    list.push(f);
    groups.set(f.bindingKey, list);
  }
  return groups;
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
