import type * as Compile from '@/pdf/expressions/compile.js';
import type * as Evaluate from '@/pdf/expressions/evaluate.js';

/**
 * A field's expression or condition checked as the user types: the engine's own compiler (its
 * refused functions and regex literals included) and its own evaluator (guardrails, refused
 * bindings, JSONata sequences made plain data) run here on the sample data. Both are plain JSONata
 * with no Node dependency, so the studio shows exactly the value, the visibility or the refusal the
 * server would give, never a value the server would refuse.
 */

export type ExpressionKind = 'expression' | 'condition';

/** Loaded on first use: JSONata is a chunk the sign-in screen and the dashboard do not need. */
let engine: Promise<typeof Compile & typeof Evaluate> | undefined;
function loadEngine() {
  return (engine ??= Promise.all([import('@/pdf/expressions/compile.js'), import('@/pdf/expressions/evaluate.js')]).then(([c, e]) => ({
    ...c,
    ...e,
  })));
}

export type ExpressionCheck =
  | { state: 'empty' }
  /** Does not parse, or uses what the server refuses; `position` is JSONata's (0-based character). */
  | { state: 'invalid'; message: string; position: number | undefined }
  /** Parses, but fails on the sample data (what generation would answer with expression_failed). */
  | { state: 'failed'; message: string }
  | { state: 'value'; value: unknown }
  | { state: 'shown' }
  | { state: 'hidden' };

/** Only the parse and the refusals: what decides whether the text may be saved. */
export async function parseProblem(source: string): Promise<Extract<ExpressionCheck, { state: 'invalid' }> | null> {
  if (source.trim() === '') return null;
  const { compileExpression, describeProblem, isProblem } = await loadEngine();
  const c = compileExpression(source);
  return isProblem(c) ? { state: 'invalid', message: describeProblem(c), position: c.position } : null;
}

/** The check of `source` as `kind` against `data` (the sample JSON, parsed). */
export async function checkExpression(source: string, kind: ExpressionKind, data: unknown): Promise<ExpressionCheck> {
  if (source.trim() === '') return { state: 'empty' };
  const invalid = await parseProblem(source);
  if (invalid) return invalid;
  const { compileFieldExpressions, describeProblem, evaluateExpressions } = await loadEngine();
  const program = compileFieldExpressions([{ name: 'field', bindingKey: 'field', advanced: { [kind]: source } }])!;
  const payload = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const { computed, failures } = await evaluateExpressions(program, payload, 'collect');
  if (failures.length > 0) return { state: 'failed', message: describeProblem(failures[0]) };
  const key = program.fields[0].key;
  if (kind === 'condition') return Object.hasOwn(computed.hidden, key) ? { state: 'hidden' } : { state: 'shown' };
  return { state: 'value', value: computed.values[key] };
}

/** A computed value in words: JSON, shortened; `undefined` is JSONata's "no result". */
export function describeValue(value: unknown, max = 200): string {
  if (value === undefined) return 'no value (nothing is printed)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
