import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cleanupExpiredPdfs, cleanupOrphanedUploads } from '@/services/maintenance/cleanup.js';
import { runIntegrityCheck } from '@/services/maintenance/integrity.js';
import type { Services } from '@/services/context.js';
import { problems } from '../schemas/problems.js';

const tags = ['admin'];

/**
 * On-demand maintenance for administrators: the same code the cleanup queue runs on its schedule,
 * run inline so the caller gets the result.
 */
export const adminRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.post(
    '/api/admin/cleanup',
    {
      schema: {
        operationId: 'runCleanup',
        description:
          'Runs the scheduled cleanup now: generated PDFs past their expiry (or older than olderThanDays) and uploads never confirmed or no longer referenced. Administrators only.',
        tags,
        summary: 'Delete expired generated PDFs (rows and blobs) and unreferenced uploads now',
        body: z
          .object({
            olderThanDays: z.number().int().min(0).max(3650).optional(),
            orphanedUploadsOlderThanHours: z.number().int().min(0).optional(),
          })
          .describe('How old expired PDFs and orphaned uploads must be')
          .default({}),
        response: {
          200: z
            .object({ expiredPdfs: z.number(), uploadsRemoved: z.number(), orphanBlobsRemoved: z.number() })
            .describe('What was removed'),
          ...problems(),
        },
      },
    },
    async (request) => {
      const expiredPdfs = await cleanupExpiredPdfs(services, request.body.olderThanDays);
      const orphans = await cleanupOrphanedUploads(services, { olderThanHours: request.body.orphanedUploadsOlderThanHours });
      request.audit = { action: 'admin.cleanup', resourceType: 'system', details: { expiredPdfs, ...orphans } };
      return { expiredPdfs, ...orphans };
    },
  );

  app.post(
    '/api/admin/integrity',
    {
      schema: {
        operationId: 'runIntegrityCheck',
        description:
          'Checks database rows, DynamoDB items and blobs against each other; with repair the dangling side is removed. Administrators only.',
        tags,
        summary: 'Check rows, items and blobs against each other; repair removes the dangling side',
        body: z
          .object({ repair: z.boolean().default(false) })
          .describe('Whether to repair')
          .default({ repair: false }),
        response: {
          200: z
            .object({
              checked: z.record(z.string(), z.number()),
              repaired: z.number(),
              issues: z.array(z.object({ kind: z.string(), id: z.string(), detail: z.string(), repaired: z.boolean() })),
            })
            .describe('What was checked, each issue found, and how many were repaired'),
          ...problems(),
        },
      },
    },
    async (request) => {
      const report = await runIntegrityCheck(services, { repair: request.body.repair });
      if (request.body.repair)
        request.audit = { action: 'admin.integrity_repair', resourceType: 'system', details: { repaired: report.repaired } };
      return report;
    },
  );
};
