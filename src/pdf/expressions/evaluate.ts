import { PdfError } from '../errors.js';
import {
  REFUSED_FUNCTIONS,
  describeProblem,
  type ExpressionProblem,
  type ExpressionProgram,
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

async function run(fe: FieldExpressions, property: ExpressionProperty, payload: Record<string, unknown>): Promise<unknown> {
  const compiled = fe[property]!;
  return plain(await compiled.run.evaluate(payload, REFUSED_BINDINGS));
}

/**
 * Evaluates a template's expressions for one document, each under the guardrails set in
 * compile.ts (time, depth, sequence length). `collect` (preflight) reports every failure and goes
 * on; otherwise the first failure throws expression_failed naming the field. A field whose
 * condition is false is hidden and its expression is not evaluated.
 */
export async function evaluateExpressions(
  program: ExpressionProgram,
  payload: Record<string, unknown>,
  mode: 'throw' | 'collect' = 'throw',
): Promise<{ computed: ComputedValues; failures: ExpressionFailure[] }> {
  const failures = program.problems.map((p) => failure(p.field, p.property, p.problem));
  if (failures.length > 0 && mode === 'throw') throw failureError(failures[0]);
  const computed: ComputedValues = { values: {}, hidden: {} };
  for (const fe of program.fields) {
    try {
      if (fe.condition && !expressionTruthy(await run(fe, 'condition', payload))) {
        computed.hidden[fe.key] = true;
        continue;
      }
    } catch (e) {
      const f = failure(fe, 'condition', toProblem(e));
      if (mode === 'throw') throw failureError(f);
      failures.push(f);
      continue;
    }
    if (!fe.expression) continue;
    try {
      computed.values[fe.key] = await run(fe, 'expression', payload);
    } catch (e) {
      const f = failure(fe, 'expression', toProblem(e));
      if (mode === 'throw') throw failureError(f);
      failures.push(f);
    }
  }
  return { computed, failures };
}

/** How a field's value is read given a document's computed values (undefined: nothing computed). */
export function computedFor(computed: ComputedValues | undefined, key: string): { hidden: boolean; has: boolean; value: unknown } {
  if (!computed) return { hidden: false, has: false, value: undefined };
  if (Object.hasOwn(computed.hidden, key)) return { hidden: true, has: false, value: undefined };
  const has = Object.hasOwn(computed.values, key);
  return { hidden: false, has, value: has ? computed.values[key] : undefined };
}
