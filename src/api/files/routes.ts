import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UploadedFile } from '@/shared/database/prisma/index.js';
import { ValidationError } from '@/shared/errors.js';
import type { Services } from '@/services/context.js';
import { currentUser } from '../plugins/authenticate.js';
import { errorResponses, idParams, pageOf, problemSchema } from '../schemas/common.js';
import {
  fileEnvelope,
  fileSchema,
  fileStatsResponse,
  listFilesQuery,
  signedUrlResponse,
  uploadUrlBody,
  uploadUrlResponse,
} from './schemas.js';
import { confirmUpload, createUploadUrl, removeFile, SIGNED_URL_TTL_SECONDS, uploadStream } from '@/services/files/upload.js';

const tags = ['files'];
const security: { [label: string]: string[] }[] = [{ bearerAuth: [] }, { apiKey: [] }];
const responses = { ...errorResponses, 413: problemSchema, 415: problemSchema, 422: problemSchema } as const;

function toDto(file: UploadedFile): z.output<typeof fileSchema> {
  return {
    id: file.id,
    originalFilename: file.originalFilename,
    fileSize: file.fileSize,
    mimeType: file.mimeType,
    status: file.status,
    sha256: file.sha256 ?? null,
    metadata: (file.metadata ?? {}) as z.output<typeof fileSchema>['metadata'],
    createdAt: file.createdAt,
    updatedAt: file.updatedAt,
  };
}

/** Uploaded PDFs: multipart or signed-URL upload, list, get, content, download URL, delete, stats. */
export const fileRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { repos, blobs, config } = services;
  await app.register(multipart, { limits: { fileSize: config.limits.maxUploadBytes, files: 1, fields: 10, parts: 12 } });

  app.post(
    '/api/files',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Upload a PDF (multipart/form-data, part "file"); it is inspected before the answer',
        consumes: ['multipart/form-data'],
        response: { 201: fileEnvelope, ...responses },
      },
    },
    async (request, reply) => {
      const { userId } = currentUser(request);
      if (!request.isMultipart()) {
        throw new ValidationError('Send multipart/form-data with a "file" part', [
          { path: 'body.file', code: 'required', message: 'a file part is required' },
        ]);
      }
      const part = await request.file();
      if (!part || part.fieldname !== 'file') {
        part?.file.resume();
        throw new ValidationError('Send multipart/form-data with a "file" part', [
          { path: 'body.file', code: 'required', message: 'a file part is required' },
        ]);
      }
      const file = await uploadStream(services, userId, { filename: part.filename, body: part.file });
      request.audit = {
        action: 'files.upload',
        resourceType: 'file',
        resourceId: file.id,
        details: { filename: file.originalFilename, size: Number(file.fileSize) },
      };
      return reply.code(201).send({ file: toDto(file) });
    },
  );

  app.post(
    '/api/files/upload-url',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Ask for a signed URL to PUT a PDF to (then confirm)',
        body: uploadUrlBody,
        response: { 201: uploadUrlResponse, ...responses },
      },
    },
    async (request, reply) => {
      const { userId } = currentUser(request);
      const { file, signed } = await createUploadUrl(services, userId, request.body);
      request.audit = {
        action: 'files.upload_url',
        resourceType: 'file',
        resourceId: file.id,
        details: { filename: file.originalFilename, size: request.body.size },
      };
      return reply
        .code(201)
        .send({ fileId: file.id, uploadUrl: signed.url, method: 'PUT' as const, headers: signed.headers, expiresAt: signed.expiresAt });
    },
  );

  app.post(
    '/api/files/:id/confirm',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Confirm a signed-URL upload: the PDF is checked and inspected',
        params: idParams,
        response: { 200: fileEnvelope, ...responses },
      },
    },
    async (request) => {
      const { userId } = currentUser(request);
      const file = await confirmUpload(services, userId, request.params.id);
      request.audit = { action: 'files.confirm', resourceType: 'file', resourceId: file.id };
      return { file: toDto(file) };
    },
  );

  app.get(
    '/api/files',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'My files, newest first',
        querystring: listFilesQuery,
        response: { 200: pageOf(fileSchema), ...errorResponses },
      },
    },
    async (request) => {
      const page = await repos.files.listByUser(currentUser(request).userId, request.query);
      return { ...page, items: page.items.map(toDto) };
    },
  );

  app.get(
    '/api/files/stats',
    {
      preHandler: app.requireUser,
      schema: { tags, security, summary: 'Count and total size of my files', response: { 200: fileStatsResponse, ...errorResponses } },
    },
    async (request) => repos.files.getUserFileStats(currentUser(request).userId),
  );

  app.get(
    '/api/files/:id',
    {
      preHandler: app.requireUser,
      schema: { tags, security, params: idParams, response: { 200: fileEnvelope, ...errorResponses } },
    },
    async (request) => ({ file: toDto(await repos.files.get(currentUser(request).userId, request.params.id)) }),
  );

  app.get(
    '/api/files/:id/content',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'The original PDF (streamed)',
        params: idParams,
        produces: ['application/pdf'],
        response: { 200: z.any(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const file = await repos.files.get(currentUser(request).userId, request.params.id);
      const object = await blobs.get('uploads', file.s3Key);
      return reply
        .type('application/pdf')
        .header('content-length', object.size)
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.originalFilename)}`)
        .header('cache-control', 'private, no-store')
        .send(object.body);
    },
  );

  app.get(
    '/api/files/:id/download',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'A short-lived signed download URL',
        params: idParams,
        response: { 200: signedUrlResponse, ...errorResponses },
      },
    },
    async (request) => {
      const file = await repos.files.get(currentUser(request).userId, request.params.id);
      const signed = await blobs.signedDownloadUrl('uploads', file.s3Key, {
        expiresInSeconds: SIGNED_URL_TTL_SECONDS,
        filename: file.originalFilename,
      });
      return { url: signed.url, expiresAt: signed.expiresAt };
    },
  );

  app.delete(
    '/api/files/:id',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Delete a file (templates made from it keep their own copy)',
        params: idParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { userId } = currentUser(request);
      const file = await repos.files.get(userId, request.params.id);
      await removeFile(services, file);
      request.audit = { action: 'files.delete', resourceType: 'file', resourceId: file.id, details: { filename: file.originalFilename } };
      return reply.code(204).send(null);
    },
  );
};
