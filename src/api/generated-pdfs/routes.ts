import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GeneratedPdf } from '@/shared/database/prisma/index.js';
import { ConflictError } from '@/shared/errors.js';
import type { Services } from '@/services/context.js';
import { currentUser } from '../plugins/authenticate.js';
import { idParams, isoDate, isoDateNullable, pageOf, pageQuery } from '../schemas/common.js';
import { problems } from '../schemas/problems.js';

/** Signed download URLs of generated documents live this long. */
export const DOWNLOAD_TTL_SECONDS = 15 * 60;

const tags = ['generated-pdfs'];

export const generatedPdfSchema = z
  .object({
    id: z.string(),
    templateId: z.string(),
    templateVersion: z.number(),
    jobId: z.string().nullable(),
    status: z.enum(['pending', 'processing', 'completed', 'failed']),
    fileSize: z.number().nullable(),
    pageCount: z.number().nullable(),
    expiresAt: isoDateNullable,
    testMode: z.boolean(),
    error: z.string().nullable(),
    createdAt: isoDate,
  })
  .describe('A generated document');

export function toPdfDto(p: GeneratedPdf) {
  return {
    id: p.id,
    templateId: p.templateId,
    templateVersion: p.templateVersion,
    jobId: p.jobId,
    status: p.status,
    fileSize: p.fileSize === null ? null : Number(p.fileSize),
    pageCount: p.pageCount,
    expiresAt: p.expiresAt,
    testMode: p.testMode,
    error: p.error,
    createdAt: p.createdAt,
  };
}

/** The caller's generated documents: list, get, signed download URL, delete (row and blob). */
export const generatedPdfRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { repos, blobs } = services;

  app.get(
    '/api/generated-pdfs',
    {
      schema: {
        operationId: 'listGeneratedPdfs',
        description: "The user's generated documents, newest first, paged; filter by job or status.",
        tags,
        summary: 'Generated PDFs, newest first',
        querystring: pageQuery.extend({ jobId: z.uuid().optional(), status: generatedPdfSchema.shape.status.optional() }),
        response: { 200: pageOf(generatedPdfSchema), ...problems() },
      },
    },
    async (request) => {
      const page = await repos.generatedPdfs.listByUser(currentUser(request).userId, request.query);
      return { ...page, items: page.items.map(toPdfDto) };
    },
  );

  app.get(
    '/api/generated-pdfs/:id',
    {
      schema: {
        operationId: 'getGeneratedPdf',
        summary: 'A generated document',
        description: 'One generated document: status, size, pages, template version and when it expires.',
        tags,
        params: idParams,
        response: { 200: generatedPdfSchema, ...problems('not_found') },
      },
    },
    async (request) => toPdfDto(await repos.generatedPdfs.getOwned(currentUser(request).userId, request.params.id)),
  );

  app.get(
    '/api/generated-pdfs/:id/download',
    {
      schema: {
        operationId: 'getGeneratedPdfDownloadUrl',
        description: 'A signed URL to the document, valid for 15 minutes, once it is completed.',
        tags,
        summary: 'A short-lived signed URL to the document',
        params: idParams,
        response: {
          200: z.object({ url: z.string(), expiresAt: isoDate }).describe('A signed download URL and when it expires'),
          ...problems('not_found', 'pdf_not_ready'),
        },
      },
    },
    async (request) => {
      const pdf = await repos.generatedPdfs.getOwned(currentUser(request).userId, request.params.id);
      if (pdf.status !== 'completed' || !pdf.storageKey) throw new ConflictError('pdf_not_ready', `The document is ${pdf.status}`);
      const signed = await blobs.signedDownloadUrl('generated', pdf.storageKey, {
        expiresInSeconds: DOWNLOAD_TTL_SECONDS,
        filename: `${pdf.id}.pdf`,
      });
      return { url: signed.url, expiresAt: signed.expiresAt };
    },
  );

  app.delete(
    '/api/generated-pdfs/:id',
    {
      schema: {
        operationId: 'deleteGeneratedPdf',
        summary: 'Delete a generated document',
        description: 'Deletes the document and its bytes.',
        tags,
        params: idParams,
        response: { 204: z.null(), ...problems('not_found') },
      },
    },
    async (request, reply) => {
      const pdf = await repos.generatedPdfs.getOwned(currentUser(request).userId, request.params.id);
      if (pdf.storageKey) await blobs.delete('generated', pdf.storageKey);
      await repos.generatedPdfs.deleteOwned(pdf.userId, pdf.id);
      request.audit = { action: 'generated_pdfs.delete', resourceType: 'generated_pdf', resourceId: pdf.id };
      return reply.code(204).send(null);
    },
  );
};
