import { defaultFontRegistry } from '@/pdf/fonts/registry.js';
import { fieldDefinitionIssues } from '@/pdf/validate/index.js';
import { groupDefinitionIssues } from '@/pdf/validate/group.js';
import type { FieldInput } from '@/shared/domain/field.js';
import type { Template } from '@/shared/domain/template.js';
import { templateMetadata } from '@/services/templates/metadata.js';
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

type Grouped = Parameters<typeof groupDefinitionIssues>[0][number] & { fieldId: string };

/**
 * Refuses a template whose repeating groups cannot be drawn (a group without members, a member
 * outside its cell, …): a check across fields, so it runs on the whole template (publish, and
 * generating from the draft), not when one field is saved (a group's members are placed after it).
 */
export function assertGroups(
  template: Template,
  fields: readonly Grouped[],
  message = "The template's repeating groups cannot be drawn",
): void {
  const meta = templateMetadata(template);
  const pages = Array.from({ length: template.pageCount }, (_, i) => meta.pages?.[i] ?? template.dimensions);
  const issues: FieldIssue[] = groupDefinitionIssues(fields, pages).map((g) => ({
    path: `fields.${g.fieldId}.${g.issue.path}`,
    code: g.issue.code,
    message: `"${g.name}": ${g.issue.message}`,
  }));
  if (issues.length) throw new ValidationError(message, issues, 'field_definition_invalid');
}
