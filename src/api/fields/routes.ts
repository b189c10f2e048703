import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '@/shared/errors.js';
import { fieldInputSchema } from '@/shared/domain/field.js';
import { FieldsNotInTemplateError, positionUpdateSchema, type FieldPatch, type StoredField } from '@/shared/database/ddb/index.js';
import { inspectIsolated } from '@/pdf/engine-pool.js';
import type { ApiServices } from '../context.js';
import { currentUser } from '../plugins/authenticate.js';
import { errorResponses, idParams } from '../schemas/common.js';
import { readAll } from '../blobs/read.js';
import { fieldDto, upsertFieldItem } from '../templates/schemas.js';
import { baseKey } from '../templates/service.js';
import { assertPlacements } from './service.js';

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
export const fieldRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const { repos, blobs } = services;
  // Every route first proves the caller owns the template: the fields table knows nothing of users.
  const owned = (request: Parameters<typeof currentUser>[0], templateId: string) =>
    repos.templates.getForUser(currentUser(request).userId, templateId);

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
    async (request) => {
      const template = await owned(request, request.params.id);
      return { items: await repos.fields.listByTemplate(template.templateId) };
    },
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
      const template = await owned(request, request.params.id);
      assertPlacements(template, [{ placement: request.body, prefix: 'body' }]);
      const field = await repos.fields.create({ ...request.body, templateId: template.templateId });
      request.audit = {
        action: 'fields.create',
        resourceType: 'field',
        resourceId: field.fieldId,
        details: { templateId: template.templateId },
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
      const template = await owned(request, request.params.id);
      const current = await repos.fields.get(request.params.fieldId, { templateId: template.templateId });
      const body = request.body;
      assertPlacements(template, [
        {
          placement: { page: body.page ?? current.page, position: body.position ?? current.position, size: body.size ?? current.size },
          prefix: 'body',
        },
      ]);
      const field = await repos.fields.update(current.fieldId, body as FieldPatch, { templateId: template.templateId });
      request.audit = {
        action: 'fields.update',
        resourceType: 'field',
        resourceId: field.fieldId,
        details: { templateId: template.templateId, fields: Object.keys(body) },
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
      const template = await owned(request, request.params.id);
      await repos.fields.delete(request.params.fieldId, { templateId: template.templateId });
      request.audit = {
        action: 'fields.delete',
        resourceType: 'field',
        resourceId: request.params.fieldId,
        details: { templateId: template.templateId },
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
      const template = await owned(request, request.params.id);
      const { updates } = request.body;
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
      const updated = await repos.fields.batchUpdatePositions(updates, { templateId: template.templateId });
      request.audit = {
        action: 'fields.positions',
        resourceType: 'template',
        resourceId: template.templateId,
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
      const template = await owned(request, request.params.id);
      const { fields, deleteMissing } = request.body;
      assertPlacements(
        template,
        fields.map((f, i) => ({ placement: f, prefix: `body.fields.${i}` })),
      );
      try {
        const saved = await repos.fields.batchUpsert(template.templateId, fields, { removeMissing: deleteMissing });
        request.audit = {
          action: 'fields.upsert',
          resourceType: 'template',
          resourceId: template.templateId,
          details: { count: saved.length, deleteMissing: Boolean(deleteMissing) },
        };
        return { items: deleteMissing ? saved : await repos.fields.listByTemplate(template.templateId) };
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
      const template = await owned(request, request.params.id);
      const result = await inspectIsolated(await readAll(blobs, 'files', baseKey(template)), {}, services.config.engine);
      // Not imported yet: neither linked to the form field nor already a field of that name (one the
      // user unlinked to draw it at its own box would otherwise come back as a duplicate).
      const current = await repos.fields.listByTemplate(template.templateId);
      const linked = new Set(current.map((f) => f.advanced.acroFormName).filter(Boolean));
      const names = new Set(current.map((f) => f.name));
      const fresh = result.suggestedFields.filter((f) => !linked.has(f.advanced.acroFormName) && !names.has(f.name));
      const saved = fresh.length ? await repos.fields.batchUpsert(template.templateId, fresh) : [];
      request.audit = {
        action: 'fields.import_form_fields',
        resourceType: 'template',
        resourceId: template.templateId,
        details: { count: saved.length },
      };
      return { items: saved };
    },
  );
};
