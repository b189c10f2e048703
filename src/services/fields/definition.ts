import { defaultFontRegistry } from '@/pdf/fonts/registry.js';
import { fieldDefinitionIssues } from '@/pdf/validate/index.js';
import type { FieldInput } from '@/shared/domain/field.js';
import { ValidationError, type FieldIssue } from '@/shared/errors.js';

type Checked = Pick<FieldInput, 'validation' | 'advanced' | 'style'>;

/**
 * Refuses field definitions generation could not honour (a pattern that does not compile, an
 * unknown font or time zone, …), each issue under `prefix` (e.g. "body.fields.3"). Checked against
 * the engine's own font registry, so "known" means exactly what generation can draw.
 */
export function assertDefinitions(items: { field: Checked; prefix: string }[], message = 'Field definitions cannot be applied'): void {
  const fonts = defaultFontRegistry();
  const issues: FieldIssue[] = items.flatMap(({ field, prefix }) =>
    fieldDefinitionIssues(field, { fonts }).map((i) => ({
      path: prefix ? `${prefix}.${i.path}` : i.path,
      code: i.code,
      message: i.message,
    })),
  );
  if (issues.length) throw new ValidationError(message, issues, 'field_definition_invalid');
}

/** The field as it will be after a partial update (nested maps merge one level; null removes). */
export function mergedDefinition(current: Checked, patch: Partial<Record<keyof Checked, unknown>>): Checked {
  const merge = (a: unknown, b: unknown) => {
    if (b === undefined) return a;
    if (b === null || typeof b !== 'object' || Array.isArray(b)) return b;
    const next: Record<string, unknown> = { ...(a as Record<string, unknown>), ...(b as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) if (v === null) delete next[k];
    return next;
  };
  return {
    validation: merge(current.validation, patch.validation),
    advanced: merge(current.advanced, patch.advanced),
    style: merge(current.style, patch.style),
  } as Checked;
}
