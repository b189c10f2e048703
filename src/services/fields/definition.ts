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
