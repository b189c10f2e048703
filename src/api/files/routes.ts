import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UploadedFile } from '@/shared/database/prisma/index.js';
import { AppError, ValidationError } from '@/shared/errors.js';
import type { Services } from '@/services/context.js';
import { currentUser } from '../plugins/authenticate.js';
import { idParams, pageOf } from '../schemas/common.js';
import { problems } from '../schemas/problems.js';
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

/** Why an upload is refused once its bytes are in: the same for multipart and signed-URL uploads. */
const PDF_REFUSALS = [
  'pdf_not_pdf',
  'pdf_empty',
  'pdf_corrupt',
  'pdf_encrypted',
  'pdf_too_many_pages',
  'pdf_too_large',
  'file_missing',
] as const;

/** Uploaded PDFs: multipart or signed-URL upload, list, get, content, download URL, delete, stats. */
export const fileRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { repos, blobs, config } = services;
  // The route reads one file part; the other limits keep what busboy buffers for fields and part
  // headers small, whatever a client sends around it.
  await app.register(multipart, {
    limits: {
      fileSize: config.limits.maxUploadBytes,
      files: 1,
      fields: 10,
      parts: 12,
      fieldNameSize: 100,
      fieldSize: 1024,
      headerPairs: 20,
    },
  });

  app.post(
    '/api/files',
    {
      schema: {
        operationId: 'uploadFile',
        description:
          'Uploads one PDF as multipart/form-data (part `file`). The type is checked by content while it streams; the PDF is then inspected in the same request, so the answer is `ready` with pages and suggested form fields, or a 4xx and nothing stored.',
        tags,
        summary: 'Upload a PDF (multipart/form-data, part "file"); it is inspected before the answer',
        consumes: ['multipart/form-data'],
        response: {
          201: fileEnvelope,
          ...problems(
            'validation_failed',
            'ctp_invalid_media_type',
            ...PDF_REFUSALS,
            'file_too_large',
            'parts_limit',
            'files_limit',
            'fields_limit',
            'mp_premature_close',
          ),
        },
      },
    },
    async (request, reply) => {
      const { userId } = currentUser(request);
      if (!request.isMultipart()) {
        throw new ValidationError('Send multipart/form-data with a "file" part', [
          { path: 'body.file', code: 'required', message: 'a file part is required' },
        ]);
      }
      // busboy fails a body cut short with an untyped Error; it is the client's, not ours.
      const part = await request.file().catch((err: Error) => {
        if (/^Unexpected end of (multipart data|form)$/.test(err.message))
          throw new AppError('mp_premature_close', 'The request ended before the multipart body was complete');
        throw err;
      });
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
      schema: {
        operationId: 'createUploadUrl',
        description:
          'Step 1 of a signed-URL upload: records a pending file and returns a URL to PUT exactly `size` bytes to (with the given headers) before `expiresAt`; then call confirm.',
        tags,
        summary: 'Ask for a signed URL to PUT a PDF to (then confirm)',
        body: uploadUrlBody,
        response: { 201: uploadUrlResponse, ...problems('file_too_large') },
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
      schema: {
        operationId: 'confirmUpload',
        description:
          'Step 3 of a signed-URL upload: checks that the bytes arrived with the declared size, then inspects the PDF as a multipart upload does. A rejected PDF is removed; confirming a ready file returns it unchanged.',
        tags,
        summary: 'Confirm a signed-URL upload: the PDF is checked and inspected',
        params: idParams,
        response: {
          200: fileEnvelope,
          ...problems('not_found', 'upload_incomplete', 'upload_size_mismatch', 'file_too_large', ...PDF_REFUSALS),
        },
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
      schema: {
        operationId: 'listFiles',
        description: "The signed-in user's uploaded PDFs, newest first, paged; `status` filters.",
        tags,
        summary: 'My files, newest first',
        querystring: listFilesQuery,
        response: { 200: pageOf(fileSchema), ...problems() },
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
      schema: {
        operationId: 'getFileStats',
        description: 'How many files the user has and their total size (exact, also as a string).',
        tags,
        summary: 'Count and total size of my files',
        response: { 200: fileStatsResponse, ...problems() },
      },
    },
    async (request) => repos.files.getUserFileStats(currentUser(request).userId),
  );

  app.get(
    '/api/files/:id',
    {
      schema: {
        operationId: 'getFile',
        summary: 'One uploaded file',
        description: 'An uploaded file with its metadata (pages, suggested form fields, or the reason processing rejected it).',
        tags,
        params: idParams,
        response: { 200: fileEnvelope, ...problems('not_found') },
      },
    },
    async (request) => ({ file: toDto(await repos.files.getOwned(currentUser(request).userId, request.params.id)) }),
  );

  app.get(
    '/api/files/:id/content',
    {
      schema: {
        operationId: 'getFileContent',
        description: 'The original PDF bytes, streamed (the studio renders them).',
        tags,
        summary: 'The original PDF (streamed)',
        params: idParams,
        produces: ['application/pdf'],
        response: { 200: z.any(), ...problems('not_found', 'blob_not_found') },
      },
    },
    async (request, reply) => {
      const file = await repos.files.getOwned(currentUser(request).userId, request.params.id);
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
      schema: {
        operationId: 'getFileDownloadUrl',
        description: 'A signed URL that downloads the original PDF as an attachment; it expires after 15 minutes.',
        tags,
        summary: 'A short-lived signed download URL',
        params: idParams,
        response: { 200: signedUrlResponse, ...problems('not_found') },
      },
    },
    async (request) => {
      const file = await repos.files.getOwned(currentUser(request).userId, request.params.id);
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
      schema: {
        operationId: 'deleteFile',
        description: 'Deletes the file and its bytes. Templates made from it stay usable: each has its own copy of the PDF.',
        tags,
        summary: 'Delete a file (templates made from it keep their own copy)',
        params: idParams,
        response: { 204: z.null(), ...problems('not_found') },
      },
    },
    async (request, reply) => {
      const { userId } = currentUser(request);
      const file = await repos.files.getOwned(userId, request.params.id);
      await removeFile(services, file);
      request.audit = { action: 'files.delete', resourceType: 'file', resourceId: file.id, details: { filename: file.originalFilename } };
      return reply.code(204).send(null);
    },
  );
};
