import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { outputOverrideSchema, pdfaLevelSchema } from '@/shared/domain/output.js';
import { generateOnce } from '@/services/generation/generate.js';
import { preflightData, preflightPdfa } from '@/services/generation/preflight.js';
import type { Services } from '@/services/context.js';
import { currentUser } from '../plugins/authenticate.js';
import { idParams, isoDate } from '../schemas/common.js';
import { problems } from '../schemas/problems.js';
import { boundedJsonObject, MAX_JSON_DEPTH } from '@/shared/validation/json-bounds.js';
import { DOWNLOAD_TTL_SECONDS } from '../generated-pdfs/routes.js';
import { MAX_WARNINGS_HEADER_BYTES, warningsHeaders } from './warnings-header.js';

/**
 * API Gateway + Lambda cap a response near 6 MB (base64 adds a third for binary), so a document
 * above this is answered with a download URL even when the client asked for the bytes.
 */
export const MAX_INLINE_PDF_BYTES = 5.5 * 1024 * 1024 * 0.75;

const tags = ['generate'];
// Depth-bounded like job records (a payload nested 100,000 levels deep is a 400, not a stack
// overflow); the node count only by the body limit, since a drawn signature alone is many points.
const data = boundedJsonObject(MAX_JSON_DEPTH, Number.POSITIVE_INFINITY);
const warningSchema = z.object({ fieldId: z.string(), name: z.string(), bindingKey: z.string(), code: z.string(), message: z.string() });

const generateBody = z
  .object({
    data: data.describe('The values, by binding key'),
    version: z.union([z.number().int().min(1), z.literal('draft')]).optional(),
    flatten: z.boolean().default(true),
    testMode: z.boolean().default(false).describe('Draw TEST MODE across every page'),
    strict: z
      .boolean()
      .default(false)
      .describe('Answer payload_invalid (422) when the data holds keys no field is bound to, instead of unknown_key warnings'),
    output: outputOverrideSchema
      .optional()
      .describe(
        "Replaces the template's output options part by part (metadata, pdfa, facturx, signature, encryption); null removes a part",
      ),
    secrets: z
      .object({
        certificate: z.object({ p12: z.base64().max(1_000_000), password: z.string().max(1000) }).optional(),
        userPassword: z.string().min(1).max(127).optional(),
        ownerPassword: z.string().min(1).max(127).optional(),
      })
      .optional()
      .describe('Used for this document only, never stored: the signing certificate and the encryption passwords'),
  })
  .describe('The data and which version to generate from');
const generatedLink = z
  .object({
    id: z.string(),
    url: z.string(),
    expiresAt: isoDate,
    pageCount: z.number(),
    fileSize: z.number(),
    warnings: z.array(warningSchema).describe('Every warning of the document (the x-pdf-warnings header holds only the first few)'),
  })
  .describe('The generated document: a signed download URL and all its warnings');
const preflightResponse = z
  .object({
    ok: z.boolean(),
    errors: z.array(z.object({ fieldId: z.string().nullable(), bindingKey: z.string(), code: z.string(), message: z.string() })),
    missingGlyphs: z.array(z.object({ fieldId: z.string(), char: z.string(), codePoint: z.string() })),
    fontWarnings: z
      .array(
        z.object({
          fieldId: z.string(),
          bindingKey: z.string(),
          code: z.literal('script_font_missing'),
          script: z.string(),
          family: z.string(),
          package: z.string().describe('The npm package that adds the font'),
          message: z.string(),
        }),
      )
      .optional()
      .describe('Text in a script whose optional font package is not installed (a warning: ok is unchanged; always present in answers)'),
    overflows: z.array(z.object({ fieldId: z.string(), message: z.string() })),
    renderErrors: z.array(z.object({ fieldId: z.string(), code: z.string(), message: z.string() })),
    unknownKeys: z.array(z.string()).describe('Keys of the data no field is bound to, as dot paths (with strict, they make ok false)'),
    tables: z
      .array(
        z.object({
          fieldId: z.string(),
          bindingKey: z.string(),
          rows: z.number(),
          continuationRows: z.number().describe("Rows that do not fit in the table's box"),
          continuationPages: z.number().describe('Pages the table adds to the document'),
        }),
      )
      .describe('Where each table field puts its rows'),
    pageCount: z.number().optional().describe('Pages the document will have, continuation pages included'),
    groups: z
      .array(
        z.object({
          fieldId: z.string(),
          bindingKey: z.string(),
          items: z.number(),
          continuationItems: z.number().describe("Items that do not fit in the grid of the group's page"),
          continuationPages: z.number().describe('Pages the group adds to the document'),
        }),
      )
      // Optional in the schema so clients written before groups existed still type-check; always sent.
      .optional()
      .describe('Where each repeating group puts its items'),
    continuedTexts: z
      .array(
        z.object({
          fieldId: z.string(),
          bindingKey: z.string(),
          lines: z.number(),
          continuationLines: z.number().describe("Lines that do not fit in the field's box"),
          continuationPages: z.number().describe('Pages the text adds to the document'),
        }),
      )
      .optional()
      .describe("Each text with overflow 'continue' that does not fit its box"),
  })
  .describe('What generating this data would report; ok when nothing blocks it');
const pdfaPreflightBody = z
  .object({ level: pdfaLevelSchema.default('2b'), version: generateBody.shape.version })
  .describe('The PDF/A part to check against and which version of the template');
const pdfaPreflightResponse = z
  .object({
    ok: z.boolean(),
    level: pdfaLevelSchema,
    issues: z.array(z.object({ code: z.string(), message: z.string(), page: z.number().optional(), font: z.string().optional() })),
  })
  .describe('ok when the base PDF can be made PDF/A at this level; otherwise every reason it cannot');

/** Synchronous generation and preflight. */
export const generateRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.post(
    '/api/templates/:id/preflight',
    {
      schema: {
        operationId: 'preflightTemplate',
        description:
          'Checks data against a version of the template without generating: validation errors, characters no font has, text in a script whose optional font package is not installed, text that will not fit, and values that cannot be drawn.',
        tags,
        summary: 'Check data against a template without generating (validation, missing glyphs, overflow)',
        params: idParams,
        body: z.object({ data, version: generateBody.shape.version, strict: generateBody.shape.strict }).describe('The data to check'),
        response: { 200: preflightResponse, ...problems('not_found', 'field_definition_invalid') },
      },
    },
    // Template-side rule problems are reported too (they also block generation), so ok stays honest.
    async (request) =>
      preflightData(services, currentUser(request).userId, request.params.id, request.body.version, request.body.data, request.body.strict),
  );

  app.post(
    '/api/templates/:id/pdfa-preflight',
    {
      schema: {
        operationId: 'pdfaPreflightTemplate',
        description:
          "Checks a version of the template's base PDF against the PDF/A part asked for, and lists everything that stops it (fonts the PDF uses without embedding them, by name and page; JavaScript; forbidden actions; annotations without appearances). Generation with PDF/A output refuses the same base with pdfa_not_possible.",
        tags,
        summary: "Can the template's base PDF be made PDF/A, and if not, every reason (unembedded fonts by name, JavaScript, …)",
        params: idParams,
        body: pdfaPreflightBody,
        response: { 200: pdfaPreflightResponse, ...problems('not_found') },
      },
    },
    async (request) => preflightPdfa(services, currentUser(request).userId, request.params.id, request.body.version, request.body.level),
  );

  app.post(
    '/api/templates/:id/generate',
    {
      schema: {
        operationId: 'generatePdf',
        description:
          'Generates one PDF from the data now. `version` absent means the latest published version (the draft when none is published). Invalid data answers 422 payload_invalid listing every field at once, and nothing is stored. A document above the Lambda response cap is answered as JSON even to Accept: application/pdf. ' +
          `With the bytes come \`x-pdf-warning-count\` (how many warnings there are) and \`x-pdf-warnings\`: a JSON array of the first warnings (fieldId, bindingKey, code, message) that fit in ${MAX_WARNINGS_HEADER_BYTES} bytes, ASCII with other characters as JSON \\u escapes. ` +
          'When the count is larger than the array, the JSON answer (Accept: application/json) lists every warning.',
        tags,
        summary:
          'Generate one PDF now. Accept: application/pdf returns the bytes (first warnings in x-pdf-warnings); otherwise a download URL and every warning',
        params: idParams,
        body: generateBody,
        produces: ['application/json', 'application/pdf'],
        response: {
          200: generatedLink,
          ...problems(
            'not_found',
            'payload_invalid',
            'font_missing_glyph',
            'font_unknown',
            'image_invalid',
            'barcode_invalid',
            'pdf_page_out_of_range',
            'expression_failed',
            'field_definition_invalid',
            'document_too_many_pages',
          ),
        },
      },
    },
    async (request, reply) => {
      const { userId } = currentUser(request);
      const { data: payload, version, flatten, testMode, strict, output, secrets: given } = request.body;
      const secrets = given && {
        ...given,
        certificate: given.certificate && { p12: Buffer.from(given.certificate.p12, 'base64'), password: given.certificate.password },
      };
      const out = await generateOnce(services, {
        userId,
        templateId: request.params.id,
        payload,
        version,
        flatten,
        testMode,
        strict,
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
      reply.headers(warningsHeaders(out.warnings));
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
