import type { FieldSpec } from '@/shared/domain/field.js';
import { capped, type ParsedRecords } from './records.js';

/**
 * Each record checked against the template's fields before the job is sent, by the engine's own
 * validator (types, required, options, min/max, patterns: the words the job would fail with), and
 * named by where the record is in the input ("Row 8", not "Record 7"). Loaded on first use: the
 * validator brings the expression compiler with it.
 *
 * Fields with a value expression or a condition are left to the server: whether they are checked
 * at all depends on the data, which only the evaluator knows.
 */
export async function recordProblems(parsed: Pick<ParsedRecords, 'records' | 'where'>, fields: readonly FieldSpec[]): Promise<string[]> {
  const { validate } = await import('@/pdf/validate/index.js');
  const checked = fields.filter((f) => !f.advanced.expression && !f.advanced.condition);
  const out: string[] = [];
  parsed.records.forEach((record, i) => {
    for (const issue of validate(checked, record)) if (issue.kind === 'payload') out.push(`${parsed.where[i]}: ${issue.message}`);
  });
  return capped(out);
}
