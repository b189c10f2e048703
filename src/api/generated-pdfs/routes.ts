import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GeneratedPdf } from '@/shared/database/prisma/index.js';
import { ConflictError } from '@/shared/errors.js';
import type { Services } from '@/services/context.js';
import { currentUser } from '../plugins/authenticate.js';
import { errorResponses, idParams, isoDate, isoDateNullable, pageOf, pageQuery } from '../schemas/common.js';

/** Signed download URLs of generated documents live this long. */
export const DOWNLOAD_TTL_SECONDS = 15 * 60;

const tags = ['generated-pdfs'];
const security: { [name: string]: string[] }[] = [{ bearerAuth: [] }, { apiKey: [] }];

export const generatedPdfSchema = z.object({
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
});

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
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Generated PDFs, newest first',
        querystring: pageQuery.extend({ jobId: z.uuid().optional(), status: generatedPdfSchema.shape.status.optional() }),
        response: { 200: pageOf(generatedPdfSchema), ...errorResponses },
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
      preHandler: app.requireUser,
      schema: { tags, security, params: idParams, response: { 200: generatedPdfSchema, ...errorResponses } },
    },
    async (request) => toPdfDto(await repos.generatedPdfs.get(currentUser(request).userId, request.params.id)),
  );

  app.get(
    '/api/generated-pdfs/:id/download',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'A short-lived signed URL to the document',
        params: idParams,
        response: { 200: z.object({ url: z.string(), expiresAt: isoDate }), ...errorResponses },
      },
    },
    async (request) => {
      const pdf = await repos.generatedPdfs.get(currentUser(request).userId, request.params.id);
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
      preHandler: app.requireUser,
      schema: { tags, security, params: idParams, response: { 204: z.null(), ...errorResponses } },
    },
    async (request, reply) => {
      const pdf = await repos.generatedPdfs.get(currentUser(request).userId, request.params.id);
      if (pdf.storageKey) await blobs.delete('generated', pdf.storageKey);
      await repos.generatedPdfs.delete(pdf.id);
      request.audit = { action: 'generated_pdfs.delete', resourceType: 'generated_pdf', resourceId: pdf.id };
      return reply.code(204).send(null);
    },
  );
};
