import type { TableDocument } from '../render/table-layout.js';
import { PdfError } from '../errors.js';
import { resolveBinding } from '../validate/binding.js';
import {
  REFUSED_FUNCTIONS,
  describeProblem,
  type ExpressionProblem,
  type ExpressionProgram,
  type CompiledExpression,
  type ExpressionProperty,
  type FieldExpressions,
} from './compile.js';

/**
 * A document's computed values: what each field with an expression prints, and which fields a
 * false condition hides, by fieldKey. Plain data, so it crosses to the engine's worker threads
 * unchanged (the service evaluates once, validates with it, and the renderer draws with it).
 */
export interface ComputedValues {
  values: Record<string, unknown>;
  hidden: Record<string, true>;
  /** Indices of each field's style rules whose condition holds (fields with matching rules only). */
  styles: Record<string, number[]>;
  /** Table fields with column conditions or row rules: hidden columns and each row's matching rules. */
  tables: Record<string, TableDocument>;
}

export interface ExpressionFailure {
  fieldId: string | null;
  name: string;
  bindingKey: string;
  property: ExpressionProperty;
  code: string;
  position: number | undefined;
  message: string;
}

/*
 * Defence in depth beside compile.ts's refusals: the evaluation's own bindings shadow the refused
 * functions, so even a construct the static check did not see cannot read the clock or randomness.
 */
const REFUSED_BINDINGS: Record<string, () => never> = Object.fromEntries(
  REFUSED_FUNCTIONS.map((name) => [
    name,
    () => {
      throw { code: 'refused_function', message: `$${name} is not allowed: documents must depend on their data only` };
    },
  ]),
);

/** JSONata's own truthiness ($boolean): empty strings, 0, empty lists, null and undefined are false. */
export function expressionTruthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Number.isNaN(v)) return false;
  if (Array.isArray(v)) return v.some(expressionTruthy);
  if (typeof v === 'function') return false;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** A JSONata result as plain JSON data (sequences are arrays with extra flags; functions are refused). */
function plain(v: unknown): unknown {
  if (typeof v === 'function') throw { code: 'not_a_value', message: 'the expression evaluates to a function, not a value' };
  if (Array.isArray(v)) return v.length === 1 && (v as { sequence?: boolean }).sequence ? plain(v[0]) : v.map(plain);
  return v;
}

function failure(fe: FieldExpressions, property: ExpressionProperty, problem: ExpressionProblem): ExpressionFailure {
  return { fieldId: fe.fieldId, name: fe.name, bindingKey: fe.bindingKey, property, ...problem };
}

function toProblem(e: unknown): ExpressionProblem {
  const err = (e ?? {}) as { code?: string; position?: number; message?: string };
  return { code: err.code ?? 'error', position: err.position, message: err.message ?? String(e) };
}

/**
 * expression_failed for one failure. The details name the field, the property and JSONata's
 * code and position at the top level, and as the one entry of `errors` (path = binding key, as
 * payload_invalid's errors are), which is the shape every problem body's `errors` has.
 */
export function failureError(f: ExpressionFailure): PdfError {
  const message = `Field "${f.name}" (${f.bindingKey}): its ${f.property} failed: ${describeProblem(f)}`;
  return new PdfError('expression_failed', message, {
    fieldId: f.fieldId,
    name: f.name,
    bindingKey: f.bindingKey,
    property: f.property,
    expressionCode: f.code,
    position: f.position ?? null,
    errors: [{ path: f.bindingKey, code: f.code, message }],
  });
}

async function run(compiled: CompiledExpression, input: unknown, bindings: Record<string, unknown> = REFUSED_BINDINGS): Promise<unknown> {
  return plain(await compiled.run.evaluate(input, bindings));
}

/**
 * Evaluates a template's expressions for one document, each under the guardrails set in
 * compile.ts (time, depth, sequence length). `collect` (preflight) reports every failure and goes
 * on; otherwise the first failure throws expression_failed naming the field. A field whose
 * condition is false is hidden and nothing else of it is evaluated.
 */
export async function evaluateExpressions(
  program: ExpressionProgram,
  payload: Record<string, unknown>,
  mode: 'throw' | 'collect' = 'throw',
): Promise<{ computed: ComputedValues; failures: ExpressionFailure[] }> {
  const failures = program.problems.map((p) => failure(p.field, p.property, p.problem));
  if (failures.length > 0 && mode === 'throw') throw failureError(failures[0]);
  const computed: ComputedValues = { values: {}, hidden: {}, styles: {}, tables: {} };
  /** Runs one expression; a failure throws or is collected (then: undefined, ok false). */
  const attempt = async (
    fe: FieldExpressions,
    property: ExpressionProperty,
    c: CompiledExpression,
    input: unknown,
    bindings?: Record<string, unknown>,
  ) => {
    try {
      return { ok: true, value: await run(c, input, bindings) };
    } catch (e) {
      const f = failure(fe, property, toProblem(e));
      if (mode === 'throw') throw failureError(f);
      failures.push(f);
      return { ok: false, value: undefined };
    }
  };
  for (const fe of program.fields) {
    if (fe.condition) {
      const r = await attempt(fe, 'condition', fe.condition, payload);
      if (!r.ok) continue;
      if (!expressionTruthy(r.value)) {
        computed.hidden[fe.key] = true;
        continue;
      }
    }
    if (fe.expression) {
      const r = await attempt(fe, 'expression', fe.expression, payload);
      if (r.ok) computed.values[fe.key] = r.value;
    }
    if (fe.styleRules) {
      const matched: number[] = [];
      for (const [i, c] of fe.styleRules.entries()) {
        if (c && expressionTruthy((await attempt(fe, `styleRules[${i}].when`, c, payload)).value)) matched.push(i);
      }
      if (matched.length > 0) computed.styles[fe.key] = matched;
    }
    if (fe.columns || fe.rowStyles) computed.tables[fe.key] = await tableDocument(fe, payload, computed, attempt);
  }
  return { computed, failures };
}

type Attempt = (
  fe: FieldExpressions,
  property: ExpressionProperty,
  c: CompiledExpression,
  input: unknown,
  bindings?: Record<string, unknown>,
) => Promise<{ ok: boolean; value: unknown }>;

/**
 * A table's column conditions (over the payload) and row rules (over each row, with the whole
 * payload as $root). Rows are the table's computed value when it has an expression.
 */
async function tableDocument(
  fe: FieldExpressions,
  payload: Record<string, unknown>,
  computed: ComputedValues,
  attempt: Attempt,
): Promise<TableDocument> {
  const hiddenColumns: number[] = [];
  for (const [i, c] of (fe.columns ?? []).entries()) {
    if (c && !expressionTruthy((await attempt(fe, `table.columns[${i}].condition`, c, payload)).value)) hiddenColumns.push(i);
  }
  const doc: TableDocument = { hiddenColumns };
  const rules = fe.rowStyles;
  const rows = Object.hasOwn(computed.values, fe.key) ? computed.values[fe.key] : resolveBinding(payload, fe.bindingKey);
  if (!rules || !Array.isArray(rows)) return doc;
  const bindings = { ...REFUSED_BINDINGS, root: payload };
  const rowStyles: number[][] = [];
  // A rule that fails on one row is reported once, not once per row.
  const broken = new Set<number>();
  for (const row of rows) {
    const matched: number[] = [];
    for (const [i, c] of rules.entries()) {
      if (!c || broken.has(i)) continue;
      const r = await attempt(fe, `table.rowStyles[${i}].when`, c, row, bindings);
      if (!r.ok) broken.add(i);
      else if (expressionTruthy(r.value)) matched.push(i);
    }
    rowStyles.push(matched);
  }
  return { ...doc, rowStyles };
}

/** The indices of a field's style rules that hold for this document (none: []). */
export function matchedStyleRules(computed: ComputedValues | undefined, key: string): readonly number[] {
  return (computed && Object.hasOwn(computed.styles, key) ? computed.styles[key] : undefined) ?? [];
}

/** What this document decided about a table's columns and rows (nothing: {}). */
export function tableDocumentFor(computed: ComputedValues | undefined, key: string): TableDocument {
  return (computed && Object.hasOwn(computed.tables, key) ? computed.tables[key] : undefined) ?? {};
}

/** How a field's value is read given a document's computed values (undefined: nothing computed). */
export function computedFor(computed: ComputedValues | undefined, key: string): { hidden: boolean; has: boolean; value: unknown } {
  if (!computed) return { hidden: false, has: false, value: undefined };
  if (Object.hasOwn(computed.hidden, key)) return { hidden: true, has: false, value: undefined };
  const has = Object.hasOwn(computed.values, key);
  return { hidden: false, has, value: has ? computed.values[key] : undefined };
}
