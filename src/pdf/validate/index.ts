import type { RE2JS } from 're2js';
import type { FieldInput } from '@/shared/domain/field.js';
import { PdfError } from '../errors.js';
import { fieldKey } from '../expressions/compile.js';
import { computedFor, type ComputedValues } from '../expressions/evaluate.js';
import { isPresent, resolveBinding } from './binding.js';
import { groupItemIssues, groupOf, isGroup } from './group.js';
import { tableIssues } from './table.js';
import { checkValue, compileRules } from './value-rules.js';

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

    const compiled = compileRules(rules, label, add, patterns);

    if (!isPresent(value)) {
      if (required) add('required', `${label} is required`);
      continue;
    }
    if (field.type === 'table' && isGroup(field)) {
      issues.push(...groupIssues(field, fields, membership, value, label, opts, patterns));
      continue;
    }
    if (field.type === 'table') {
      const tableOpts = { maxValueLength, maxSignaturePoints: opts.maxSignaturePoints, maxRows: opts.maxTableRows, patterns };
      for (const issue of tableIssues(field, value, label, tableOpts)) {
        issues.push({ fieldId: field.fieldId ?? null, name: field.name, ...issue });
      }
      continue;
    }
    // Options: radio groups and dropdowns always, other fields when validation.type is 'option'.
    const options =
      field.type === 'radio' || field.type === 'dropdown' || rules.type === 'option' ? group.flatMap((f) => f.advanced?.options ?? []) : [];
    checkValue(field, value, label, compiled, { maxValueLength, maxSignaturePoints: opts.maxSignaturePoints, options, required }, add);
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
