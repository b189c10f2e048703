import jsonata from 'jsonata';

/*
 * Calculated fields and conditions are JSONata expressions (https://jsonata.org). Why JSONata:
 * it is made for querying and transforming JSON (paths, aggregation, string and number
 * formatting), it is what Adobe Document Generation uses, so template authors may know it, and it
 * is sandboxed by design: an expression sees only its input and JSONata's own functions, never
 * JavaScript globals, prototypes, the file system or the network (`constructor`, `__proto__` read
 * as undefined). jsonata 2.x also carries per-evaluation guardrails (time, depth, sequence length)
 * which evaluate.ts sets.
 *
 * What we refuse when an expression is compiled, so a template that passes save and publish
 * cannot misbehave at generation:
 * - $now, $millis, $random: a document must be a function of its data (a regenerated document is
 *   the same document). Pass a date in the payload instead.
 * - $eval: it parses a string at run time, past these checks.
 * - regular-expression literals (/…/): JavaScript's backtracking engine runs a regex
 *   synchronously, so a pathological one would not be stopped by the time limit. String
 *   arguments to $contains, $split and $replace still work.
 */

export const REFUSED_FUNCTIONS = ['now', 'millis', 'random', 'eval'] as const;

/** Bounds of one expression's evaluation (jsonata's guardrails). */
export const EXPRESSION_LIMITS = {
  /** Wall-clock time of one evaluation (ms). */
  timeoutMs: 100,
  /** Nesting depth of the evaluator (recursion, deep nesting). */
  maxDepth: 500,
  /** Longest sequence an expression may build. */
  maxSequence: 100_000,
} as const;

/**
 * Where in a field an expression is: its value, its condition, a style rule's condition, a table
 * column's condition or a table row rule's condition (paths as the field schema names them).
 */
export type ExpressionProperty =
  'expression' | 'condition' | `styleRules[${number}].when` | `table.columns[${number}].condition` | `table.rowStyles[${number}].when`;

export interface CompiledExpression {
  source: string;
  run: jsonata.Expression;
}

/** Why an expression cannot be used: JSONata's code and the 0-based character position. */
export interface ExpressionProblem {
  code: string;
  position: number | undefined;
  message: string;
}

interface AstNode {
  type?: string;
  value?: unknown;
  position?: number;
  [key: string]: unknown;
}

/** The first refused construct in the tree (depth-first), if any. */
function refused(node: unknown, seen = new Set<unknown>()): ExpressionProblem | undefined {
  if (node === null || typeof node !== 'object' || seen.has(node)) return undefined;
  seen.add(node);
  const n = node as AstNode;
  if (n.type === 'variable' && (REFUSED_FUNCTIONS as readonly string[]).includes(String(n.value))) {
    return {
      code: 'refused_function',
      position: n.position,
      message: `$${String(n.value)} is not allowed: documents must depend on their data only`,
    };
  }
  if (n.type === 'regex') {
    return {
      code: 'refused_regex',
      position: n.position,
      message: 'regular expressions are not allowed (their run time cannot be bounded)',
    };
  }
  for (const child of Object.values(n)) {
    if (Array.isArray(child)) {
      for (const c of child) {
        const p = refused(c, seen);
        if (p) return p;
      }
    } else {
      const p = refused(child, seen);
      if (p) return p;
    }
  }
  return undefined;
}

/** Parses an expression and applies the refusals above; never throws. */
export function compileExpression(source: string): CompiledExpression | ExpressionProblem {
  let run: jsonata.Expression;
  try {
    run = jsonata(source, {
      timeout: EXPRESSION_LIMITS.timeoutMs,
      stack: EXPRESSION_LIMITS.maxDepth,
      sequence: EXPRESSION_LIMITS.maxSequence,
    });
  } catch (e) {
    const err = e as { code?: string; position?: number; message?: string };
    return { code: err.code ?? 'syntax', position: err.position, message: err.message ?? String(e) };
  }
  const problem = refused(run.ast());
  return problem ?? { source, run };
}

export function isProblem(c: CompiledExpression | ExpressionProblem): c is ExpressionProblem {
  return 'code' in c;
}

/** "… at position 12" when the position is known. */
export function describeProblem(p: ExpressionProblem): string {
  return p.position === undefined ? `${p.message} (${p.code})` : `${p.message} (${p.code}, at position ${p.position})`;
}

/** The expressions of one field (absent when it has none). */
export interface FieldExpressions {
  key: string;
  fieldId: string | null;
  name: string;
  bindingKey: string;
  expression?: CompiledExpression;
  condition?: CompiledExpression;
  /** Conditions of the field's style rules, by rule index (a rule that did not compile: undefined). */
  styleRules?: (CompiledExpression | undefined)[];
  /** Table fields: each column's condition (undefined: always shown). */
  columns?: (CompiledExpression | undefined)[];
  /** Table fields: each row rule's condition, evaluated per row. */
  rowStyles?: (CompiledExpression | undefined)[];
}

/** Any field that can carry expressions (stored, engine or as sent). */
export interface ExpressionField {
  fieldId?: string;
  name: string;
  bindingKey: string;
  advanced?: {
    expression?: string;
    condition?: string;
    styleRules?: readonly { when: string }[];
    table?: { columns?: readonly { condition?: string }[]; rowStyles?: readonly { when: string }[] };
  };
}

/** Every expression source of a field, with where it is. */
export function fieldExpressionSources(field: ExpressionField): { property: ExpressionProperty; source: string }[] {
  const adv = field.advanced;
  if (!adv) return [];
  const out: { property: ExpressionProperty; source: string }[] = [];
  if (adv.expression !== undefined) out.push({ property: 'expression', source: adv.expression });
  if (adv.condition !== undefined) out.push({ property: 'condition', source: adv.condition });
  adv.styleRules?.forEach((r, i) => out.push({ property: `styleRules[${i}].when`, source: r.when }));
  adv.table?.columns?.forEach((c, i) => {
    if (c.condition !== undefined) out.push({ property: `table.columns[${i}].condition`, source: c.condition });
  });
  adv.table?.rowStyles?.forEach((r, i) => out.push({ property: `table.rowStyles[${i}].when`, source: r.when }));
  return out;
}

/** The key computed values are stored under: the field's id, or its name before it has one. */
export function fieldKey(field: { fieldId?: string; name: string }): string {
  return field.fieldId ?? `name:${field.name}`;
}

/** A template's compiled expressions; undefined when no field has any (the fast path pays nothing). */
export interface ExpressionProgram {
  fields: FieldExpressions[];
  /** Expressions that did not compile (reported by preflight, thrown at generation). */
  problems: { field: FieldExpressions; property: ExpressionProperty; problem: ExpressionProblem }[];
}

export function compileFieldExpressions(fields: readonly ExpressionField[]): ExpressionProgram | undefined {
  const program: ExpressionProgram = { fields: [], problems: [] };
  for (const field of fields) {
    const sources = fieldExpressionSources(field);
    if (sources.length === 0) continue;
    const fe: FieldExpressions = { key: fieldKey(field), fieldId: field.fieldId ?? null, name: field.name, bindingKey: field.bindingKey };
    const adv = field.advanced!;
    if (adv.styleRules) fe.styleRules = adv.styleRules.map(() => undefined);
    if (adv.table?.columns?.some((c) => c.condition !== undefined)) fe.columns = adv.table.columns.map(() => undefined);
    if (adv.table?.rowStyles) fe.rowStyles = adv.table.rowStyles.map(() => undefined);
    for (const { property, source } of sources) {
      const c = compileExpression(source);
      if (isProblem(c)) {
        program.problems.push({ field: fe, property, problem: c });
        continue;
      }
      const indexed = /^(styleRules|table\.columns|table\.rowStyles)\[(\d+)\]/.exec(property);
      if (!indexed) fe[property as 'expression' | 'condition'] = c;
      else {
        const list = indexed[1] === 'styleRules' ? fe.styleRules : indexed[1] === 'table.columns' ? fe.columns : fe.rowStyles;
        list![Number(indexed[2])] = c;
      }
    }
    program.fields.push(fe);
  }
  return program.fields.length > 0 ? program : undefined;
}

/**
 * The data names an expression mentions (every path step), so the keys it reads are not reported
 * as bound to no field. Over-inclusive on purpose: a name used deeper in a path counts at the top
 * level too, which can only hide an unknown-key warning, never invent one.
 */
export function expressionNames(source: string): string[] {
  const c = compileExpression(source);
  if (isProblem(c)) return [];
  const names = new Set<string>();
  const walk = (node: unknown, seen: Set<unknown>): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const n = node as AstNode;
    if (n.type === 'name' && typeof n.value === 'string') names.add(n.value);
    for (const child of Object.values(n)) {
      if (Array.isArray(child)) for (const x of child) walk(x, seen);
      else walk(child, seen);
    }
  };
  walk(c.run.ast(), new Set());
  return [...names];
}
