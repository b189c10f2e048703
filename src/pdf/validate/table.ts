import type { FieldInput } from '@/shared/domain/field.js';
import { DEFAULT_MAX_TABLE_ROWS } from '@/shared/domain/table.js';
import { isPresent, resolveBinding } from './binding.js';
import type { RE2JS } from 're2js';
import type { ValidationCode } from './index.js';
import { checkValue, compileRules } from './value-rules.js';

/**
 * A table field's rows: a list of objects, within the row bound, each column's cells of its
 * format and meeting its rules (required, type, min/max, length, pattern, email) — checked by
 * the same code, in the same words, as a field's value. Issues name the cell (`items[3].qty`) so a
 * caller can point at the row; at most MAX_ROW_ISSUES are listed per table (one bad column of
 * 10,000 rows needs no 10,000 messages to be fixed).
 */

export const MAX_ROW_ISSUES = 20;

export interface TableIssue {
  bindingKey: string;
  code: ValidationCode;
  message: string;
  kind: 'payload' | 'template';
}

export function tableIssues(
  field: FieldInput,
  value: unknown,
  label: string,
  opts: { maxValueLength: number; maxSignaturePoints?: number; maxRows?: number; patterns: Map<string, RE2JS | Error> },
): TableIssue[] {
  const key = field.bindingKey;
  const issues: TableIssue[] = [];
  const push = (bindingKey: string, code: ValidationCode, message: string, kind: 'payload' | 'template' = 'payload') =>
    issues.push({ bindingKey, code, message, kind });
  if (!Array.isArray(value)) return [{ bindingKey: key, code: 'type', message: `${label} must be a list of rows`, kind: 'payload' }];
  const spec = field.advanced?.table;
  const maxRows = Math.min(spec?.maxRows ?? Infinity, opts.maxRows ?? DEFAULT_MAX_TABLE_ROWS);
  if (value.length > maxRows) {
    push(key, 'too_many_rows', `${label} has ${value.length} rows; one document takes at most ${maxRows}`);
    return issues;
  }
  // Each column is checked as a field of its format with its rules; its rules compile once.
  const columns = (spec?.columns ?? []).map((column, i) => {
    const name = `${label}, column "${column.header || column.key}"`;
    const rules = { ...column.validation, required: column.required };
    const compiled = compileRules(rules, name, (code, message, kind) => push(`${key}[].${column.key}`, code, message, kind), opts.patterns);
    const type = column.format ?? 'text';
    const custom = column.validation?.message;
    return { column, i, compiled, type, custom };
  });
  const ctx = { maxValueLength: opts.maxValueLength, maxSignaturePoints: opts.maxSignaturePoints, options: [], required: false };
  for (let r = 0; r < value.length && issues.length < MAX_ROW_ISSUES; r++) {
    const row: unknown = value[r];
    const at = `${key}[${r}]`;
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      push(at, 'type', `${label}: row ${r + 1} must be an object of the columns' keys`);
      continue;
    }
    for (const { column, compiled, type, custom } of columns) {
      const cell = resolveBinding(row, column.key);
      const cellKey = `${at}.${column.key}`;
      const name = `${label}, row ${r + 1}, column "${column.header || column.key}"`;
      if (!isPresent(cell)) {
        if (column.required) push(cellKey, 'required', custom ?? `${name} is required`);
        continue;
      }
      checkValue({ type, advanced: {} }, cell, name, compiled, ctx, (code, message) => push(cellKey, code, custom ?? message));
    }
  }
  return issues.slice(0, MAX_ROW_ISSUES);
}
