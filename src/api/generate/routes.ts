import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { preflight } from '@/pdf/index.js';
import { pdfaPreflight } from '@/pdf/output/index.js';
import { outputOverrideSchema, pdfaLevelSchema } from '@/shared/domain/output.js';
import { generateAndStore } from '@/services/generation/generate.js';
import { loadTemplateSnapshot } from '@/services/generation/template-source.js';
import type { Services } from '@/services/context.js';
import { currentUser } from '../plugins/authenticate.js';
import { errorResponses, idParams, isoDate, problemSchema } from '../schemas/common.js';
import { DOWNLOAD_TTL_SECONDS } from '../generated-pdfs/routes.js';

/**
 * API Gateway + Lambda cap a response near 6 MB (base64 adds a third for binary), so a document
 * above this is answered with a download URL even when the client asked for the bytes.
 */
export const MAX_INLINE_PDF_BYTES = 5.5 * 1024 * 1024 * 0.75;

const tags = ['generate'];
const security: { [name: string]: string[] }[] = [{ bearerAuth: [] }, { apiKey: [] }];
const data = z.record(z.string(), z.unknown());
const warningSchema = z.object({ fieldId: z.string(), name: z.string(), bindingKey: z.string(), code: z.string(), message: z.string() });

const generateBody = z.object({
  data,
  version: z.union([z.number().int().min(1), z.literal('draft')]).optional(),
  flatten: z.boolean().default(true),
  testMode: z.boolean().default(false),
  /** Replaces the template's output options part by part (metadata, pdfa, facturx, signature, encryption); null removes a part. */
  output: outputOverrideSchema.optional(),
  /** Used for this document only, never stored: the signing certificate and the encryption passwords. */
  secrets: z
    .object({
      certificate: z.object({ p12: z.base64().max(1_000_000), password: z.string().max(1000) }).optional(),
      userPassword: z.string().min(1).max(127).optional(),
      ownerPassword: z.string().min(1).max(127).optional(),
    })
    .optional(),
});
const generatedLink = z.object({
  id: z.string(),
  url: z.string(),
  expiresAt: isoDate,
  pageCount: z.number(),
  fileSize: z.number(),
  warnings: z.array(warningSchema),
});
const preflightResponse = z.object({
  ok: z.boolean(),
  errors: z.array(z.object({ fieldId: z.string().nullable(), bindingKey: z.string(), code: z.string(), message: z.string() })),
  missingGlyphs: z.array(z.object({ fieldId: z.string(), char: z.string(), codePoint: z.string() })),
  overflows: z.array(z.object({ fieldId: z.string(), message: z.string() })),
  renderErrors: z.array(z.object({ fieldId: z.string(), code: z.string(), message: z.string() })),
});

/** Synchronous generation and preflight. */
export const generateRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.post(
    '/api/templates/:id/preflight',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Check data against a template without generating (validation, missing glyphs, overflow)',
        params: idParams,
        body: z.object({ data, version: generateBody.shape.version }),
        response: { 200: preflightResponse, ...errorResponses },
      },
    },
    async (request) => {
      const snapshot = await loadTemplateSnapshot(services, currentUser(request).userId, request.params.id, request.body.version);
      const result = preflight(snapshot.fields, request.body.data, { maxValueLength: services.config.limits.maxFieldValueChars });
      // Template-side rule problems are reported too (they also block generation), so ok stays honest.
      return result;
    },
  );

  app.post(
    '/api/templates/:id/pdfa-preflight',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: "Can the template's base PDF be made PDF/A, and if not, every reason (unembedded fonts by name, JavaScript, …)",
        params: idParams,
        body: z.object({ level: pdfaLevelSchema.default('2b'), version: generateBody.shape.version }),
        response: {
          200: z.object({
            ok: z.boolean(),
            level: pdfaLevelSchema,
            issues: z.array(z.object({ code: z.string(), message: z.string(), page: z.number().optional(), font: z.string().optional() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const snapshot = await loadTemplateSnapshot(services, currentUser(request).userId, request.params.id, request.body.version);
      return { level: request.body.level, ...(await pdfaPreflight(snapshot.base, request.body.level)) };
    },
  );

  app.post(
    '/api/templates/:id/generate',
    {
      preHandler: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Generate one PDF now. Accept: application/pdf returns the bytes (warnings in x-pdf-warnings); otherwise a download URL',
        params: idParams,
        body: generateBody,
        produces: ['application/json', 'application/pdf'],
        response: { 200: generatedLink, 422: problemSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { userId } = currentUser(request);
      const { data: payload, version, flatten, testMode, output, secrets: given } = request.body;
      const secrets = given && {
        ...given,
        certificate: given.certificate && { p12: Buffer.from(given.certificate.p12, 'base64'), password: given.certificate.password },
      };
      const out = await generateAndStore(services, {
        userId,
        templateId: request.params.id,
        payload,
        version,
        flatten,
        testMode,
        output,
        secrets,
      });
      const pdf = out.pdf;
      request.audit = {
        action: 'pdf.generate',
        resourceType: 'generated_pdf',
        resourceId: pdf.id,
        // Which output parts were asked for, never their secrets.
        details: { templateId: pdf.templateId, version: pdf.templateVersion, testMode, flatten, output: output && Object.keys(output) },
      };
      const bytes = out.bytes!;
      reply.header(
        'x-pdf-warnings',
        JSON.stringify(out.warnings.map((w) => ({ fieldId: w.fieldId, bindingKey: w.bindingKey, code: w.code, message: w.message }))),
      );
      const accept = request.headers.accept ?? '';
      const wantsPdf = accept.includes('application/pdf') && !accept.includes('application/json');
      if (wantsPdf && bytes.length <= MAX_INLINE_PDF_BYTES) {
        return reply
          .type('application/pdf')
          .header('x-generated-pdf-id', pdf.id)
          .header('x-page-count', String(pdf.pageCount))
          .header('cache-control', 'private, no-store')
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
      }
      const signed = await services.blobs.signedDownloadUrl('generated', pdf.storageKey!, {
        expiresInSeconds: DOWNLOAD_TTL_SECONDS,
        filename: `${pdf.id}.pdf`,
      });
      return {
        id: pdf.id,
        url: signed.url,
        expiresAt: signed.expiresAt,
        pageCount: pdf.pageCount!,
        fileSize: bytes.length,
        warnings: out.warnings,
      };
    },
  );
};
