import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '@/services/context.js';
import { currentUser } from '../plugins/authenticate.js';
import { errorResponses, idParams, isoDate } from '../schemas/common.js';
import {
  createTemplateBody,
  duplicateBody,
  listTemplatesQuery,
  patchTemplateBody,
  templateDto,
  templateWithFields,
  toTemplateDto,
  versionEntry,
} from './schemas.js';
import { baseKey } from '@/services/templates/metadata.js';
import { createTemplate, deleteTemplate, duplicateTemplate, listTemplates } from '@/services/templates/service.js';
import { listVersions, publishTemplate } from '@/services/templates/versions.js';

const tags = ['templates'];
const security: { [label: string]: string[] }[] = [{ bearerAuth: [] }, { apiKey: [] }];
const templateEnvelope = z.object({ template: templateDto });

/** Templates (DynamoDB): create from an upload, list/search, get with fields, update, duplicate, archive, delete, stats, base PDF, versions. */
export const templateRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { repos, blobs } = services;

  app.post(
    '/api/templates',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Create a template from an uploaded (ready) PDF',
        body: createTemplateBody,
        response: { 201: templateWithFields, ...errorResponses },
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
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'My templates, newest first (cursor paged)',
        querystring: listTemplatesQuery,
        response: { 200: z.object({ items: z.array(templateDto), nextCursor: z.string().optional() }), ...errorResponses },
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
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        response: {
          200: z.object({ active: z.number(), total: z.number(), byStatus: z.record(z.string(), z.number()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => repos.templates.getUserTemplateStats(currentUser(request).userId),
  );

  app.get(
    '/api/templates/:id',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'A template with its fields (the draft)',
        params: idParams,
        response: { 200: templateWithFields, ...errorResponses },
      },
    },
    async (request) => {
      const template = await repos.templates.getForUser(currentUser(request).userId, request.params.id);
      return { template: toTemplateDto(template), fields: await repos.fields.listByTemplate(template.templateId) };
    },
  );

  app.patch(
    '/api/templates/:id',
    {
      preHandler: app.requireUser,
      schema: { tags, security, params: idParams, body: patchTemplateBody, response: { 200: templateEnvelope, ...errorResponses } },
    },
    async (request) => {
      const { userId } = currentUser(request);
      const template = await repos.templates.update(request.params.id, request.body, { userId });
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
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Copy a template (new draft, own base, new field ids)',
        params: idParams,
        body: duplicateBody,
        response: { 201: templateWithFields, ...errorResponses },
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
      preHandler: app.requireUser,
      schema: { tags, security, params: idParams, response: { 200: templateEnvelope, ...errorResponses } },
    },
    async (request) => {
      const template = await repos.templates.archive(request.params.id, { userId: currentUser(request).userId });
      request.audit = { action: 'templates.archive', resourceType: 'template', resourceId: template.templateId };
      return { template: toTemplateDto(template) };
    },
  );

  app.delete(
    '/api/templates/:id',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Delete a template, its fields, base PDF and version snapshots',
        params: idParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deleteTemplate(services, currentUser(request).userId, request.params.id);
      request.audit = { action: 'templates.delete', resourceType: 'template', resourceId: request.params.id };
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/templates/:id/pdf',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'The base PDF (streamed)',
        params: idParams,
        produces: ['application/pdf'],
        response: { 200: z.any(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const template = await repos.templates.getForUser(currentUser(request).userId, request.params.id);
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
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Freeze the current template and fields as the next numbered version',
        params: idParams,
        response: { 201: z.object({ version: z.number().int(), publishedAt: isoDate, fieldCount: z.number().int() }), ...errorResponses },
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
      preHandler: app.requireUser,
      schema: { tags, security, params: idParams, response: { 200: z.object({ items: z.array(versionEntry) }), ...errorResponses } },
    },
    async (request) => ({ items: await listVersions(services, currentUser(request).userId, request.params.id) }),
  );
};
