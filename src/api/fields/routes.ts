import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fieldInputSchema } from '@/shared/domain/field.js';
import { positionUpdateSchema, type FieldPatch } from '@/shared/database/ddb/index.js';
import type { Services } from '@/services/context.js';
import { importFormFields } from '@/services/fields/import.js';
import { createField, deleteField, listFields, saveFields, updateField, updatePositions } from '@/services/fields/save.js';
import { currentUser } from '../plugins/authenticate.js';
import { idParams } from '../schemas/common.js';
import { problems } from '../schemas/problems.js';
import { fieldDto, upsertFieldItem } from '../templates/schemas.js';

const tags = ['fields'];
const fieldParams = idParams.extend({ fieldId: z.string().min(1).max(64) });
const items = z.object({ items: z.array(fieldDto) }).describe('Fields of the template');
const nested = z.record(z.string(), z.unknown()).optional();

/** A partial field: top-level values replace, nested maps merge (the repository validates the result). */
const patchFieldBody = z
  .object({
    name: fieldInputSchema.shape.name.optional(),
    type: fieldInputSchema.shape.type.optional(),
    page: fieldInputSchema.shape.page.optional(),
    position: fieldInputSchema.shape.position.optional(),
    size: fieldInputSchema.shape.size.optional(),
    bindingKey: fieldInputSchema.shape.bindingKey.optional(),
    style: nested,
    layout: nested,
    advanced: nested,
    validation: nested,
  })
  .strict()
  .describe('The properties to change; nested maps merge');

const positionsBody = z.object({ updates: z.array(positionUpdateSchema).max(1000) }).describe('New placements, by field id');
const upsertBody = z
  .object({
    fields: z.array(upsertFieldItem).max(1000).describe('Without fieldId: created; with one: replaced'),
    deleteMissing: z.boolean().optional().describe("Remove the template's fields not in the list"),
  })
  .describe('The fields to save');

/** Fields of a template: list, create, update, delete, batch positions, batch upsert, AcroForm import. */
export const fieldRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  // Each use case first proves the caller owns the template (services/fields).
  const userOf = (request: Parameters<typeof currentUser>[0]) => currentUser(request).userId;

  app.get(
    '/api/templates/:id/fields',
    {
      schema: {
        operationId: 'listFields',
        description: "The template's draft fields in paint order: by page, then layer.",
        tags,
        summary: 'Fields in paint order (page, then layer)',
        params: idParams,
        response: { 200: items, ...problems('not_found') },
      },
    },
    async (request) => ({ items: await listFields(services, userOf(request), request.params.id) }),
  );

  app.post(
    '/api/templates/:id/fields',
    {
      schema: {
        operationId: 'createField',
        summary: 'Add a field to a template',
        description: 'Adds one field. It must lie within an existing page of the template (PDF points, origin top-left, page 1-based).',
        tags,
        params: idParams,
        body: fieldInputSchema.describe('A new field'),
        response: {
          201: z.object({ field: fieldDto }).describe('The field'),
          ...problems('not_found', 'field_out_of_page', 'field_definition_invalid'),
        },
      },
    },
    async (request, reply) => {
      const field = await createField(services, userOf(request), request.params.id, request.body);
      request.audit = {
        action: 'fields.create',
        resourceType: 'field',
        resourceId: field.fieldId,
        details: { templateId: field.templateId },
      };
      return reply.code(201).send({ field });
    },
  );

  app.patch(
    '/api/templates/:id/fields/:fieldId',
    {
      schema: {
        operationId: 'updateField',
        summary: 'Change a field',
        description:
          'Changes the given properties: top-level values replace, nested maps (style, layout, advanced, validation) merge. The result must still lie within a page.',
        tags,
        params: fieldParams,
        body: patchFieldBody,
        response: {
          200: z.object({ field: fieldDto }).describe('The field'),
          ...problems('not_found', 'field_out_of_page', 'field_definition_invalid'),
        },
      },
    },
    async (request) => {
      const body = request.body;
      const field = await updateField(services, userOf(request), request.params.id, request.params.fieldId, body as FieldPatch);
      request.audit = {
        action: 'fields.update',
        resourceType: 'field',
        resourceId: field.fieldId,
        details: { templateId: field.templateId, fields: Object.keys(body) },
      };
      return { field };
    },
  );

  app.delete(
    '/api/templates/:id/fields/:fieldId',
    {
      schema: {
        operationId: 'deleteField',
        summary: 'Delete a field',
        description: 'Removes the field from the draft; published versions keep it.',
        tags,
        params: fieldParams,
        response: { 204: z.null(), ...problems('not_found') },
      },
    },
    async (request, reply) => {
      await deleteField(services, userOf(request), request.params.id, request.params.fieldId);
      request.audit = {
        action: 'fields.delete',
        resourceType: 'field',
        resourceId: request.params.fieldId,
        details: { templateId: request.params.id },
      };
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/templates/:id/fields/positions',
    {
      schema: {
        operationId: 'updateFieldPositions',
        description:
          'Moves, resizes or re-layers many fields at once. Every update is validated before anything is written; fields of other templates are refused as a whole.',
        tags,
        summary: 'Move/resize/re-layer many fields at once (all validated before any write)',
        params: idParams,
        body: positionsBody,
        response: {
          200: z.object({ updated: z.number().int(), items: z.array(fieldDto) }).describe('How many fields changed, and those fields'),
          ...problems('not_found', 'fields_not_in_template', 'field_out_of_page', 'concurrent_field_change'),
        },
      },
    },
    async (request) => {
      const updated = await updatePositions(services, userOf(request), request.params.id, request.body.updates);
      request.audit = {
        action: 'fields.positions',
        resourceType: 'template',
        resourceId: request.params.id,
        details: { count: updated.length },
      };
      return { updated: updated.length, items: updated };
    },
  );

  app.put(
    '/api/templates/:id/fields',
    {
      schema: {
        operationId: 'saveFields',
        description:
          "The studio's save: creates fields without an id and replaces those with one; with deleteMissing the template's other fields are removed.",
        tags,
        summary: 'Save a set of fields (create or replace; deleteMissing removes the others)',
        params: idParams,
        body: upsertBody,
        response: { 200: items, ...problems('not_found', 'fields_not_in_template', 'field_out_of_page', 'field_definition_invalid') },
      },
    },
    async (request) => {
      const { deleteMissing } = request.body;
      const { saved, items } = await saveFields(services, userOf(request), request.params.id, request.body);
      request.audit = {
        action: 'fields.upsert',
        resourceType: 'template',
        resourceId: request.params.id,
        details: { count: saved, deleteMissing: Boolean(deleteMissing) },
      };
      return { items };
    },
  );

  app.post(
    '/api/templates/:id/import-form-fields',
    {
      schema: {
        operationId: 'importFormFields',
        description: "Reads the base PDF's AcroForm fields and adds those not imported yet (by AcroForm name) as template fields.",
        tags,
        summary: "Add the base PDF's AcroForm fields as template fields (those not imported yet)",
        params: idParams,
        response: { 200: items, ...problems('not_found', 'pdf_corrupt', 'pdf_encrypted') },
      },
    },
    async (request) => {
      const saved = await importFormFields(services, userOf(request), request.params.id);
      request.audit = {
        action: 'fields.import_form_fields',
        resourceType: 'template',
        resourceId: request.params.id,
        details: { count: saved.length },
      };
      return { items: saved };
    },
  );
};
