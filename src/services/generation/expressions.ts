import {
  compileFieldExpressions,
  evaluateExpressions,
  fieldExpressionSources,
  type ComputedValues,
  type ExpressionProgram,
} from '@/pdf/expressions/index.js';
import { PromiseCache } from '@/shared/promise-cache.js';
import type { TemplateSnapshot } from './template-source.js';

/*
 * A template's expressions compiled once per process, by the snapshot's cache key (like the
 * compiled templates of compiled-cache.ts): the service evaluates them on the request's thread to
 * validate the computed values, then hands the values to the renderer, so one document's
 * expressions run once and validation and drawing see the same values.
 */
const programs = new PromiseCache<{ program: ExpressionProgram | undefined }>({ max: 256 });

function hasExpressions(snapshot: TemplateSnapshot): boolean {
  return snapshot.fields.some((f) => fieldExpressionSources(f).length > 0);
}

/** The document's computed values; undefined (and nothing paid) when the template has no expressions. Throws expression_failed. */
export async function computeExpressions(
  snapshot: TemplateSnapshot,
  payload: Record<string, unknown>,
): Promise<ComputedValues | undefined> {
  if (!hasExpressions(snapshot)) return undefined;
  const { program } = await programs.getOrCreate(snapshot.cacheKey, async () => ({ program: compileFieldExpressions(snapshot.fields) }));
  if (!program) return undefined;
  return (await evaluateExpressions(program, payload)).computed;
}
