import type { Deps } from '@/services/context.js';
import type { Template } from '@/shared/domain/template.js';
import type { FieldInput } from '@/shared/domain/field.js';
import { ValidationError } from '@/shared/errors.js';
import {
  FieldsNotInTemplateError,
  mergeFieldPatch,
  type FieldPatch,
  type PositionUpdate,
  type StoredField,
  type UpsertFieldInput,
} from '@/shared/database/ddb/index.js';
import { assertDefinitions } from './definition.js';
import { assertPlacements } from './placement.js';

type FieldDeps = Deps<'repos'>;

/**
 * A template's fields, each use case first proving the caller owns the template: the fields table
 * knows nothing of users, so this is where another user's template reads as not found.
 */
export function ownedTemplate(services: FieldDeps, userId: string, templateId: string): Promise<Template> {
  return services.repos.templates.getOwned(userId, templateId);
}

/** The template's fields in paint order (page, then layer). */
export async function listFields(services: FieldDeps, userId: string, templateId: string): Promise<StoredField[]> {
  const template = await ownedTemplate(services, userId, templateId);
  return services.repos.fields.listByTemplate(template.templateId);
}

/** One new field, placed within an existing page of the template. */
export async function createField(services: FieldDeps, userId: string, templateId: string, input: FieldInput): Promise<StoredField> {
  const template = await ownedTemplate(services, userId, templateId);
  assertPlacements(template, [{ placement: input, prefix: 'body' }]);
  assertDefinitions([{ field: input, prefix: 'body' }]);
  return services.repos.fields.create({ ...input, templateId: template.templateId });
}

/** A partial field: top-level values replace, nested maps merge; the resulting box must still fit its page. */
export async function updateField(
  services: FieldDeps,
  userId: string,
  templateId: string,
  fieldId: string,
  patch: FieldPatch,
): Promise<StoredField> {
  const { repos } = services;
  const template = await ownedTemplate(services, userId, templateId);
  const current = await repos.fields.get(fieldId, { templateId: template.templateId });
  assertPlacements(template, [
    {
      placement: { page: patch.page ?? current.page, position: patch.position ?? current.position, size: patch.size ?? current.size },
      prefix: 'body',
    },
  ]);
  assertDefinitions([{ field: mergeFieldPatch(current, patch), prefix: 'body' }]);
  return repos.fields.update(current.fieldId, patch, { templateId: template.templateId });
}

export async function deleteField(services: FieldDeps, userId: string, templateId: string, fieldId: string): Promise<void> {
  const template = await ownedTemplate(services, userId, templateId);
  await services.repos.fields.delete(fieldId, { templateId: template.templateId });
}

/** Moves, resizes or re-layers many fields at once; every update is validated before any write. */
export async function updatePositions(
  services: FieldDeps,
  userId: string,
  templateId: string,
  updates: PositionUpdate[],
): Promise<StoredField[]> {
  const { repos } = services;
  const template = await ownedTemplate(services, userId, templateId);
  const current = new Map((await repos.fields.listByTemplate(template.templateId)).map((f) => [f.fieldId, f]));
  const foreign = updates.map((u, i) => ({ u, i })).filter(({ u }) => !current.has(u.fieldId));
  if (foreign.length) {
    // Unknown and other templates' fields read alike: no hint about anyone else's data.
    throw new ValidationError(
      `${foreign.length} field(s) do not belong to this template`,
      foreign.map(({ u, i }) => ({
        path: `body.updates.${i}.fieldId`,
        code: 'field_not_in_template',
        message: `field ${u.fieldId} does not belong to template ${template.templateId}`,
      })),
      'fields_not_in_template',
    );
  }
  assertPlacements(
    template,
    updates.map((u, i) => {
      const f = current.get(u.fieldId) as StoredField;
      return {
        placement: { page: u.page ?? f.page, position: u.position ?? f.position, size: u.size ?? f.size },
        prefix: `body.updates.${i}`,
      };
    }),
  );
  return repos.fields.batchUpdatePositions(updates, { templateId: template.templateId });
}

/**
 * Saves a set of fields (create, or replace those with a fieldId); with deleteMissing the template's
 * other fields are removed. Returns the template's fields afterwards, and how many were saved.
 */
export async function saveFields(
  services: FieldDeps,
  userId: string,
  templateId: string,
  input: { fields: UpsertFieldInput[]; deleteMissing?: boolean },
): Promise<{ saved: number; items: StoredField[] }> {
  const { repos } = services;
  const { fields, deleteMissing } = input;
  const template = await ownedTemplate(services, userId, templateId);
  assertPlacements(
    template,
    fields.map((f, i) => ({ placement: f, prefix: `body.fields.${i}` })),
  );
  assertDefinitions(fields.map((f, i) => ({ field: f, prefix: `body.fields.${i}` })));
  try {
    const saved = await repos.fields.batchUpsert(template.templateId, fields, { removeMissing: deleteMissing });
    return { saved: saved.length, items: deleteMissing ? saved : await repos.fields.listByTemplate(template.templateId) };
  } catch (err) {
    if (err instanceof FieldsNotInTemplateError) {
      const index = new Map(fields.map((f, i) => [f.fieldId, i]));
      throw new ValidationError(
        err.message,
        err.fieldIds.map((id) => ({
          path: `body.fields.${index.get(id) ?? 0}.fieldId`,
          code: 'field_not_in_template',
          message: `field ${id} belongs to another template`,
        })),
        'fields_not_in_template',
      );
    }
    throw err;
  }
}
