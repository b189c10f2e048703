import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fieldInputSchema } from '@/shared/domain/field.js';
import { positionUpdateSchema, type FieldPatch } from '@/shared/database/ddb/index.js';
import type { Services } from '@/services/context.js';
import { importFormFields } from '@/services/fields/import.js';
import { createField, deleteField, listFields, saveFields, updateField, updatePositions } from '@/services/fields/save.js';
import { currentUser } from '../plugins/authenticate.js';
import { errorResponses, idParams } from '../schemas/common.js';
import { fieldDto, upsertFieldItem } from '../templates/schemas.js';

const tags = ['fields'];
const security: { [label: string]: string[] }[] = [{ bearerAuth: [] }, { apiKey: [] }];
const fieldParams = idParams.extend({ fieldId: z.string().min(1).max(64) });
const items = z.object({ items: z.array(fieldDto) });
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
  .strict();

const positionsBody = z.object({ updates: z.array(positionUpdateSchema).max(1000) });
const upsertBody = z.object({ fields: z.array(upsertFieldItem).max(1000), deleteMissing: z.boolean().optional() });

/** Fields of a template: list, create, update, delete, batch positions, batch upsert, AcroForm import. */
export const fieldRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  // Each use case first proves the caller owns the template (services/fields).
  const userOf = (request: Parameters<typeof currentUser>[0]) => currentUser(request).userId;

  app.get(
    '/api/templates/:id/fields',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Fields in paint order (page, then layer)',
        params: idParams,
        response: { 200: items, ...errorResponses },
      },
    },
    async (request) => ({ items: await listFields(services, userOf(request), request.params.id) }),
  );

  app.post(
    '/api/templates/:id/fields',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        params: idParams,
        body: fieldInputSchema,
        response: { 201: z.object({ field: fieldDto }), ...errorResponses },
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
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        params: fieldParams,
        body: patchFieldBody,
        response: { 200: z.object({ field: fieldDto }), ...errorResponses },
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
      preHandler: app.requireUser,
      schema: { tags, security, params: fieldParams, response: { 204: z.null(), ...errorResponses } },
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
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Move/resize/re-layer many fields at once (all validated before any write)',
        params: idParams,
        body: positionsBody,
        response: { 200: z.object({ updated: z.number().int(), items: z.array(fieldDto) }), ...errorResponses },
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
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Save a set of fields (create or replace; deleteMissing removes the others)',
        params: idParams,
        body: upsertBody,
        response: { 200: items, ...errorResponses },
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
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: "Add the base PDF's AcroForm fields as template fields (those not imported yet)",
        params: idParams,
        response: { 200: items, ...errorResponses },
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
