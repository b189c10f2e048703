import type { FieldInput } from '@/shared/domain/field.js';
import { DEFAULT_MAX_TABLE_ROWS } from '@/shared/domain/table.js';
import { isPresent, resolveBinding } from './binding.js';
import { asIsoDate, asNumber } from './values.js';

/**
 * A table field's rows: a list of objects, within the row bound, each column's cells of its
 * format (and present when the column is required). Issues name the cell (`items[3].qty`) so a
 * caller can point at the row; at most MAX_ROW_ISSUES are listed per table (one bad column of
 * 10,000 rows needs no 10,000 messages to be fixed).
 */

export const MAX_ROW_ISSUES = 20;

export interface TableIssue {
  bindingKey: string;
  code: 'type' | 'required' | 'date' | 'too_many_rows' | 'value_too_long';
  message: string;
}

export function tableIssues(
  field: FieldInput,
  value: unknown,
  label: string,
  opts: { maxValueLength: number; maxRows?: number },
): TableIssue[] {
  const key = field.bindingKey;
  if (!Array.isArray(value)) return [{ bindingKey: key, code: 'type', message: `${label} must be a list of rows` }];
  const spec = field.advanced?.table;
  const maxRows = Math.min(spec?.maxRows ?? Infinity, opts.maxRows ?? DEFAULT_MAX_TABLE_ROWS);
  if (value.length > maxRows) {
    return [
      { bindingKey: key, code: 'too_many_rows', message: `${label} has ${value.length} rows; one document takes at most ${maxRows}` },
    ];
  }
  const issues: TableIssue[] = [];
  for (let r = 0; r < value.length && issues.length < MAX_ROW_ISSUES; r++) {
    const row: unknown = value[r];
    const at = `${key}[${r}]`;
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      issues.push({ bindingKey: at, code: 'type', message: `${label}: row ${r + 1} must be an object of the columns' keys` });
      continue;
    }
    for (const column of spec?.columns ?? []) {
      const cell = resolveBinding(row, column.key);
      const cellKey = `${at}.${column.key}`;
      const name = `${label}, row ${r + 1}, column "${column.header || column.key}"`;
      if (!isPresent(cell)) {
        if (column.required) issues.push({ bindingKey: cellKey, code: 'required', message: `${name} is required` });
        continue;
      }
      if (typeof cell === 'object')
        issues.push({ bindingKey: cellKey, code: 'type', message: `${name} must be text, not a list or object` });
      else if (column.format === 'number' && asNumber(cell) === undefined)
        issues.push({ bindingKey: cellKey, code: 'type', message: `${name} must be a number` });
      else if (column.format === 'date' && !asIsoDate(cell))
        issues.push({ bindingKey: cellKey, code: 'date', message: `${name} must be an ISO date such as 2024-12-31` });
      else if (String(cell).length > opts.maxValueLength) {
        issues.push({ bindingKey: cellKey, code: 'value_too_long', message: `${name} is longer than ${opts.maxValueLength} characters` });
      }
    }
  }
  return issues.slice(0, MAX_ROW_ISSUES);
}
