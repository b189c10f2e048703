import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '@/services/context.js';
import { replaceBasePdf } from '@/services/templates/replace-base.js';
import { currentUser } from '../plugins/authenticate.js';
import { idParams } from '../schemas/common.js';
import { problems } from '../schemas/problems.js';
import { templateDto, toTemplateDto } from './schemas.js';

const box = z
  .object({ page: z.number().int(), x: z.number(), y: z.number(), width: z.number(), height: z.number() })
  .describe('Page (1-based) and box in points from the top-left');
const page = z.object({ width: z.number(), height: z.number(), rotation: z.number().optional() });

const fieldMatch = z
  .object({
    fieldId: z.string(),
    name: z.string(),
    bindingKey: z.string(),
    matchedBy: z
      .enum(['form_field', 'position'])
      .describe('form_field: found by AcroForm name in the new PDF; position: kept where it was'),
    status: z
      .enum(['kept', 'moved', 'moved_page', 'outside'])
      .describe(
        'kept: same place; moved: its form field moved on the page; moved_page: to another page; outside: was off the new pages, brought onto them',
      ),
    from: box,
    to: box,
    note: z.string().optional().describe('Why the field needs a look, in words'),
  })
  .describe('Where one field goes');

export const replaceBaseReview = z
  .object({
    fileId: z.string(),
    fileName: z.string().nullable(),
    from: z.object({ pageCount: z.number().int(), pages: z.array(page) }).describe('The current base'),
    to: z.object({ pageCount: z.number().int(), pages: z.array(page) }).describe('The new base'),
    formFields: z
      .number()
      .int()
      .describe('AcroForm widgets in the new PDF (fields from form fields are matched by name when there are some)'),
    fields: z.array(fieldMatch),
    counts: z.object({ kept: z.number().int(), moved: z.number().int(), moved_page: z.number().int(), outside: z.number().int() }),
    applied: z.boolean().describe('false: a review, nothing changed; true: the new PDF is the base and the fields are where `to` says'),
  })
  .describe('What replacing the base PDF does to each field');

const replaceBody = z
  .object({
    fileId: z.string().min(1).max(64).describe('A processed (ready) upload: the new revision of the PDF'),
    apply: z.boolean().default(false).describe('false (default): only review; true: replace and move the fields'),
  })
  .strict()
  .describe('The new PDF, and whether to apply');

/** POST /api/templates/:id/base-pdf: replace the base PDF with a new revision, keeping the fields (review first). */
export const templateBasePdfRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.post(
    '/api/templates/:id/base-pdf',
    {
      schema: {
        operationId: 'replaceTemplateBasePdf',
        description:
          "Replaces the draft's base PDF with a new revision from a processed upload, keeping the fields: a field from an AcroForm field follows the form field of the same name in the new PDF; every other field keeps its page and position. Fields whose page is gone or whose box runs off the new page are brought onto it and flagged `outside`. With `apply: false` (the default) nothing changes and the answer is the review. Published versions keep the PDF they were published with.",
        tags: ['templates'],
        summary: 'Replace the base PDF with a new revision, keeping the fields (review, then apply)',
        params: idParams,
        body: replaceBody,
        response: {
          200: z
            .object({ review: replaceBaseReview, template: templateDto })
            .describe('The review, and the template (changed only when applied)'),
          ...problems('not_found', 'file_not_ready'),
        },
      },
    },
    async (request) => {
      const { userId } = currentUser(request);
      const { review, template } = await replaceBasePdf(services, userId, request.params.id, request.body);
      if (review.applied)
        request.audit = {
          action: 'templates.replace_base',
          resourceType: 'template',
          resourceId: request.params.id,
          details: { fileId: review.fileId, pageCount: review.to.pageCount, ...review.counts },
        };
      return { review, template: toTemplateDto(template) };
    },
  );
};
