import type { FieldInput } from '@/shared/domain/field.js';
import { expressionNames, fieldExpressionSources } from '../expressions/compile.js';

/** Reported at most; a payload of thousands of stray keys needs no thousand warnings to be fixed. */
export const MAX_UNKNOWN_KEYS = 50;

/**
 * The data's keys no field is bound to, as dot paths at the level where they stop matching: with
 * fields bound to `customer.name`, `{custmer: {name}}` gives `custmer` and `{customer: {nmae}}`
 * gives `customer.nmae`. A value at a binding key is not looked into (an object or array there is
 * the field's value). A misspelt key otherwise prints a blank field with no hint why.
 */
export function unknownDataKeys(
  fields: readonly (Pick<FieldInput, 'bindingKey'> & Pick<Partial<FieldInput>, 'advanced'>)[],
  payload: unknown,
): string[] {
  const bound = new Set<string>();
  const prefixes = new Set<string>();
  for (const { bindingKey, advanced } of fields) {
    // The names a calculated field or condition reads count as bound (not looked into further).
    for (const { source } of fieldExpressionSources({ name: '', bindingKey, advanced }))
      for (const name of expressionNames(source)) bound.add(name);
    bound.add(bindingKey);
    const parts = bindingKey.split('.');
    for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join('.'));
  }
  const unknown: string[] = [];
  // Iterative, so a deeply nested payload cannot overflow the stack.
  const stack: [string, unknown][] = [['', payload]];
  while (stack.length && unknown.length < MAX_UNKNOWN_KEYS) {
    const [path, value] = stack.pop()!;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    for (const key of Object.keys(value).reverse()) {
      const child = path ? `${path}.${key}` : key;
      if (bound.has(child)) continue;
      if (prefixes.has(child)) stack.push([child, (value as Record<string, unknown>)[key]]);
      else unknown.push(child);
    }
  }
  return unknown.slice(0, MAX_UNKNOWN_KEYS).sort();
}
