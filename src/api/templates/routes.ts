import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '@/services/context.js';
import { currentUser } from '../plugins/authenticate.js';
import { idParams } from '../schemas/common.js';
import { problems } from '../schemas/problems.js';
import {
  createTemplateBody,
  duplicateBody,
  listTemplatesQuery,
  patchTemplateBody,
  templateDto,
  templateWithFields,
  toTemplateDto,
  versionEntry,
  versionParams,
  versionWithFields,
} from './schemas.js';
import { baseKey } from '@/services/templates/metadata.js';
import { createTemplate, deleteTemplate, duplicateTemplate, listTemplates, restoreTemplate } from '@/services/templates/service.js';
import { getVersion, listVersions, publishTemplate } from '@/services/templates/versions.js';
import { applyTemplateRetention } from '@/services/templates/retention.js';

const tags = ['templates'];
const templateEnvelope = z.object({ template: templateDto }).describe('The template');

/** Templates (DynamoDB): create from an upload, list/search, get with fields, update, duplicate, archive, delete, stats, base PDF, versions. */
export const templateRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { repos, blobs } = services;

  app.post(
    '/api/templates',
    {
      schema: {
        operationId: 'createTemplate',
        description:
          "Creates a draft template from one of the user's processed (ready) files; the PDF is copied, so the template does not depend on the file. With importFormFields the PDF's AcroForm fields become template fields.",
        tags,
        summary: 'Create a template from an uploaded (ready) PDF',
        body: createTemplateBody,
        response: { 201: templateWithFields, ...problems('not_found', 'file_not_ready') },
      },
    },
    async (request, reply) => {
      const { userId } = currentUser(request);
      const { template, fields } = await createTemplate(services, userId, request.body);
      request.audit = {
        action: 'templates.create',
        resourceType: 'template',
        resourceId: template.templateId,
        details: { fileId: request.body.fileId, importedFields: fields.length },
      };
      return reply.code(201).send({ template: toTemplateDto(template), fields });
    },
  );

  app.get(
    '/api/templates',
    {
      schema: {
        operationId: 'listTemplates',
        description:
          "The user's templates, newest first, cursor paged. `search` is a case-insensitive substring of the name; a page may hold fewer than `limit` items while `nextCursor` is set.",
        tags,
        summary: 'My templates, newest first (cursor paged)',
        querystring: listTemplatesQuery,
        response: {
          200: z
            .object({ items: z.array(templateDto), nextCursor: z.string().optional().describe('Absent on the last page') })
            .describe('One page of templates'),
          ...problems('invalid_cursor'),
        },
      },
    },
    async (request) => {
      const page = await listTemplates(services, currentUser(request).userId, request.query);
      return { items: page.items.map(toTemplateDto), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    },
  );

  app.get(
    '/api/templates/stats',
    {
      schema: {
        operationId: 'getTemplateStats',
        summary: 'Count of my templates, by status',
        description: 'How many templates the user has: active, total and per status.',
        tags,
        response: {
          200: z.object({ active: z.number(), total: z.number(), byStatus: z.record(z.string(), z.number()) }).describe('Template counts'),
          ...problems(),
        },
      },
    },
    async (request) => repos.templates.getUserTemplateStats(currentUser(request).userId),
  );

  app.get(
    '/api/templates/:id',
    {
      schema: {
        operationId: 'getTemplate',
        description: 'The template and its current (draft) fields.',
        tags,
        summary: 'A template with its fields (the draft)',
        params: idParams,
        response: { 200: templateWithFields, ...problems('not_found') },
      },
    },
    async (request) => {
      const template = await repos.templates.getOwned(currentUser(request).userId, request.params.id);
      return { template: toTemplateDto(template), fields: await repos.fields.listByTemplate(template.templateId) };
    },
  );

  app.patch(
    '/api/templates/:id',
    {
      schema: {
        operationId: 'updateTemplate',
        summary: 'Rename a template, or change its description, status, output or retention',
        description:
          'Changes the name, description, status, output options or retention that are given; fields are changed through the fields operations. A new retention applies to the documents already generated too.',
        tags,
        params: idParams,
        body: patchTemplateBody,
        response: { 200: templateEnvelope, ...problems('not_found', 'conflict') },
      },
    },
    async (request) => {
      const { userId } = currentUser(request);
      const template = await repos.templates.updateOwned(userId, request.params.id, request.body);
      if (request.body.retentionDays !== undefined) await applyTemplateRetention(services, template);
      request.audit = {
        action: 'templates.update',
        resourceType: 'template',
        resourceId: template.templateId,
        details: { fields: Object.keys(request.body) },
      };
      return { template: toTemplateDto(template) };
    },
  );

  app.post(
    '/api/templates/:id/duplicate',
    {
      schema: {
        operationId: 'duplicateTemplate',
        description: 'Copies the template as a new draft with its own base PDF and new field ids; published versions are not copied.',
        tags,
        summary: 'Copy a template (new draft, own base, new field ids)',
        params: idParams,
        body: duplicateBody,
        response: { 201: templateWithFields, ...problems('not_found') },
      },
    },
    async (request, reply) => {
      const { template, fields } = await duplicateTemplate(services, currentUser(request).userId, request.params.id, request.body?.name);
      request.audit = {
        action: 'templates.duplicate',
        resourceType: 'template',
        resourceId: template.templateId,
        details: { from: request.params.id },
      };
      return reply.code(201).send({ template: toTemplateDto(template), fields });
    },
  );

  app.post(
    '/api/templates/:id/archive',
    {
      schema: {
        operationId: 'archiveTemplate',
        summary: 'Archive a template',
        description: 'Sets the status to archived; the template and its versions stay readable.',
        tags,
        params: idParams,
        response: { 200: templateEnvelope, ...problems('not_found') },
      },
    },
    async (request) => {
      const template = await repos.templates.archiveOwned(currentUser(request).userId, request.params.id);
      request.audit = { action: 'templates.archive', resourceType: 'template', resourceId: template.templateId };
      return { template: toTemplateDto(template) };
    },
  );

  app.delete(
    '/api/templates/:id',
    {
      schema: {
        operationId: 'deleteTemplate',
        description:
          'Deletes the template with its fields, its base PDF and every version snapshot. For TEMPLATE_UNDO_DAYS (default 30) the deletion can be undone with POST /api/templates/{id}/restore; until then the template is hidden everywhere (its id answers 404), and afterwards it is removed for good. The `Restorable-Until` header tells when. Generated PDFs and jobs keep their own retention.',
        tags,
        summary: 'Delete a template (restorable for TEMPLATE_UNDO_DAYS)',
        params: idParams,
        response: { 204: z.null(), ...problems('not_found') },
      },
    },
    async (request, reply) => {
      const { restorableUntil } = await deleteTemplate(services, currentUser(request).userId, request.params.id);
      request.audit = { action: 'templates.delete', resourceType: 'template', resourceId: request.params.id, details: { restorableUntil } };
      return reply.code(204).header('restorable-until', restorableUntil).send(null);
    },
  );

  app.post(
    '/api/templates/:id/restore',
    {
      schema: {
        operationId: 'restoreTemplate',
        description:
          'Undoes the deletion of a template within its undo period (TEMPLATE_UNDO_DAYS): the template comes back with its fields, base PDF and versions. A template that is not deleted, whose undo period is over, or that is not yours answers 404.',
        tags,
        summary: 'Restore a deleted template',
        params: idParams,
        response: { 200: templateEnvelope, ...problems('not_found') },
      },
    },
    async (request) => {
      const template = await restoreTemplate(services, currentUser(request).userId, request.params.id);
      request.audit = { action: 'templates.restore', resourceType: 'template', resourceId: template.templateId };
      return { template: toTemplateDto(template) };
    },
  );

  app.get(
    '/api/templates/:id/pdf',
    {
      schema: {
        operationId: 'getTemplatePdf',
        description: "The template's base PDF bytes, streamed.",
        tags,
        summary: 'The base PDF (streamed)',
        params: idParams,
        produces: ['application/pdf'],
        response: { 200: z.any(), ...problems('not_found', 'blob_not_found') },
      },
    },
    async (request, reply) => {
      const template = await repos.templates.getOwned(currentUser(request).userId, request.params.id);
      const object = await blobs.get('files', baseKey(template));
      return reply
        .type('application/pdf')
        .header('content-length', object.size)
        .header('cache-control', 'private, no-store')
        .send(object.body);
    },
  );

  app.post(
    '/api/templates/:id/publish',
    {
      schema: {
        operationId: 'publishTemplate',
        description:
          'Freezes the template and its fields as the next numbered version and makes the template active. Generation uses the latest published version unless asked for another.',
        tags,
        summary: 'Freeze the current template and fields as the next numbered version',
        params: idParams,
        response: {
          201: versionEntry.describe('The version just published'),
          ...problems('not_found', 'publish_conflict', 'field_definition_invalid'),
        },
      },
    },
    async (request, reply) => {
      const published = await publishTemplate(services, currentUser(request).userId, request.params.id);
      request.audit = {
        action: 'templates.publish',
        resourceType: 'template',
        resourceId: request.params.id,
        details: { version: published.version },
      };
      return reply.code(201).send({ ...published, publishedAt: new Date(published.publishedAt) });
    },
  );

  app.get(
    '/api/templates/:id/versions',
    {
      schema: {
        operationId: 'listTemplateVersions',
        summary: 'Published versions of a template',
        description: 'Every published version, oldest first, with when it was published and how many fields it has.',
        tags,
        params: idParams,
        response: {
          200: z.object({ items: z.array(versionEntry) }).describe('Published versions, oldest first'),
          ...problems('not_found'),
        },
      },
    },
    async (request) => ({ items: await listVersions(services, currentUser(request).userId, request.params.id) }),
  );

  app.get(
    '/api/templates/:id/versions/:version',
    {
      schema: {
        operationId: 'getTemplateVersion',
        summary: 'One published version with its fields',
        description: "A published version's fields as they were frozen, to compare with the draft or restore it.",
        tags,
        params: versionParams,
        response: { 200: versionWithFields, ...problems('not_found') },
      },
    },
    async (request) => getVersion(services, currentUser(request).userId, request.params.id, request.params.version),
  );
};
