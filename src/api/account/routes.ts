import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnauthorizedError } from '@/shared/auth/jwt.js';
import { verifyPassword } from '@/shared/auth/password.js';
import { ForbiddenError } from '@/shared/errors.js';
import { deleteAccount, type AccountDeletionReport } from '@/services/accounts/deletion.js';
import { EXPORT_LINK_SECONDS, exportAccount } from '@/services/accounts/export.js';
import type { Services } from '@/services/context.js';
import { currentUser } from '../plugins/authenticate.js';
import { idParams, isoDate } from '../schemas/common.js';
import { problems } from '../schemas/problems.js';

const deletionSchema = z
  .object({
    templates: z.number().int(),
    fields: z.number().int(),
    files: z.number().int(),
    generatedPdfs: z.number().int(),
    jobs: z.number().int(),
    jobsCancelled: z.number().int().describe('Jobs that were still queued or running'),
    apiKeys: z.number().int(),
    sessions: z.number().int().describe('Sessions that were live'),
    blobs: z.number().int().describe('Stored objects deleted'),
    auditRowsAnonymised: z.number().int(),
  })
  .describe('What was deleted');

const exportSchema = z
  .object({
    url: z.string().describe('Signed download URL of the ZIP'),
    expiresAt: isoDate,
    size: z.number().int().describe('Bytes'),
    counts: z.object({
      templates: z.number().int(),
      fields: z.number().int(),
      versions: z.number().int(),
      files: z.number().int(),
      generatedPdfs: z.number().int(),
      jobs: z.number().int(),
      apiKeys: z.number().int(),
      auditLogs: z.number().int(),
      blobs: z.number().int(),
      missingBlobs: z.number().int().describe('Objects a record names that storage no longer has (their entries are empty)'),
    }),
  })
  .describe('The export: a link to the ZIP and what it holds');

const countsOf = ({ pseudonym: _p, apiKeysRevoked: _r, ...counts }: AccountDeletionReport) => counts;

/**
 * The account's data rights (registered behind authentication): delete it, export it. Both need an
 * access token: an API key acts for its user in their integrations, it does not speak for the person.
 */
export const dataRightsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { repos } = services;
  const signedIn = (request: Parameters<typeof currentUser>[0]) => {
    const auth = currentUser(request);
    if (auth.via !== 'jwt') throw new ForbiddenError('Only a signed-in user (an access token) can do this, not an API key');
    return auth;
  };

  app.delete(
    '/api/profile',
    {
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        operationId: 'deleteAccount',
        summary: 'Delete the signed-in account and everything it owns',
        description:
          'Checks the password, then deletes the account: templates with their fields and versions, uploaded files, generated PDFs, jobs and their results, exports, API keys and sessions (every token of the account stops working at once), rows and stored objects alike. Unfinished jobs are cancelled first. The audit trail is anonymised (the account id is replaced, addresses and details dropped) and kept for 365 days; an `account.deleted` row records the deletion. Cannot be undone.',
        tags: ['account'],
        body: z.object({ password: z.string().max(1024).describe('The current password') }).describe('The password, re-entered'),
        response: {
          200: z.object({ deleted: deletionSchema }).describe('The account is gone'),
          ...problems('invalid_credentials', 'forbidden'),
        },
      },
    },
    async (request) => {
      const { userId } = signedIn(request);
      const user = await repos.users.findById(userId);
      const found = await repos.users.findForLogin(user.email);
      if (!found || !(await verifyPassword(request.body.password, found.passwordHash)))
        throw new UnauthorizedError('invalid_credentials', 'The password is wrong');
      const report = await deleteAccount(services, userId, { via: 'self', requestId: request.id });
      app.sessions.forgetAll();
      request.audit = { recorded: true };
      return { deleted: countsOf(report) };
    },
  );

  app.post(
    '/api/account/export',
    {
      config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: {
        operationId: 'exportAccount',
        summary: "Export the signed-in account's data as a ZIP",
        description:
          'Builds a ZIP of the account: account.json (user and profile), templates.json (templates with fields and published versions) with each base PDF and version snapshot, files.json with the uploaded PDFs, generated-pdfs.json with the completed documents, jobs.json, api-keys.json (never the keys) and audit-logs.json (the account’s own actions). Answers a signed link valid for one hour; the ZIP is deleted after 24 hours. Limited to 5 a minute.',
        tags: ['account'],
        response: { 201: exportSchema, ...problems('forbidden') },
      },
    },
    async (request, reply) => {
      const { userId } = signedIn(request);
      const done = await exportAccount(services, userId);
      const signed = await services.blobs.signedDownloadUrl('generated', done.key, {
        expiresInSeconds: EXPORT_LINK_SECONDS,
        filename: `pdf-studio-export-${new Date().toISOString().slice(0, 10)}.zip`,
      });
      request.audit = {
        action: 'account.export',
        resourceType: 'user',
        resourceId: userId,
        details: { size: done.size, counts: done.counts },
      };
      return reply.code(201).send({ url: signed.url, expiresAt: signed.expiresAt, size: done.size, counts: done.counts });
    },
  );
};

/** An administrator deletes an account (registered behind admin authentication). */
export const adminAccountRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.delete(
    '/api/admin/users/:id',
    {
      schema: {
        operationId: 'deleteUser',
        summary: 'Delete an account and everything it owns',
        description:
          'What DELETE /api/profile does, for any account, without its password. The `account.deleted` audit row names the administrator. Administrators only.',
        tags: ['admin'],
        params: idParams,
        response: { 200: z.object({ deleted: deletionSchema }).describe('The account is gone'), ...problems('not_found') },
      },
    },
    async (request) => {
      const admin = currentUser(request);
      const report = await deleteAccount(services, request.params.id, {
        via: 'admin',
        adminId: admin.userId,
        requestId: request.id,
        ip: request.ip,
      });
      app.sessions.forgetAll();
      request.audit = { recorded: true };
      return { deleted: countsOf(report) };
    },
  );
};
