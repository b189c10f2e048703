import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnauthorizedError } from '@/shared/auth/jwt.js';
import { verifyPassword } from '@/shared/auth/password.js';
import { ForbiddenError } from '@/shared/errors.js';
import { deletionStatus, exportStatus, requestDeletion, requestExport } from '@/services/accounts/tasks.js';
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
    signingCertificates: z.number().int().describe('Stored signing certificates'),
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
      signingCertificates: z.number().int(),
      auditLogs: z.number().int(),
      blobs: z.number().int(),
      missingBlobs: z.number().int().describe('Objects a record names that storage no longer has (their entries are empty)'),
    }),
  })
  .describe('The export: a link to the ZIP and what it holds');

const taskStatus = z.enum(['queued', 'running', 'completed', 'failed']);

const deletionAccepted = z
  .object({
    deletion: z.object({ id: z.string().describe('Poll GET /api/account/deletions/{id}'), status: taskStatus, createdAt: isoDate }),
  })
  .describe('Accepted: the account is unusable now; its data is being deleted');

const deletionStatusSchema = z
  .object({
    id: z.string(),
    status: taskStatus,
    createdAt: isoDate,
    completedAt: isoDate.nullable(),
    deleted: deletionSchema.optional().describe('When completed: what was deleted'),
  })
  .describe('An account deletion');

const exportAccepted = z
  .object({ export: z.object({ id: z.string().describe('Poll GET /api/account/export/{id}'), status: taskStatus, createdAt: isoDate }) })
  .describe('Accepted: the ZIP is being built');

const exportStatusSchema = exportSchema
  .partial({ url: true, expiresAt: true, size: true, counts: true })
  .extend({
    id: z.string(),
    status: z.enum(['queued', 'running', 'completed', 'failed', 'expired']),
    createdAt: isoDate,
    completedAt: isoDate.nullable(),
    error: z.string().optional(),
  })
  .describe('An account export: its status, and when completed a link to the ZIP and what it holds');

/**
 * GET /api/account/deletions/:id — public: after a deletion the account's tokens no longer work,
 * so the task's random id is what lets the client (or an administrator) follow it. It answers
 * counts only, nothing of the person.
 */
export const accountDeletionStatusRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api/account/deletions/:id',
    {
      schema: {
        operationId: 'getAccountDeletion',
        summary: 'The status of an account deletion',
        description:
          'Status `queued` or `running` while the data is deleted, `completed` with what was deleted, or `failed` (retried by the queue). No authentication: the id, returned by the deletion, is random and names nothing of the person. Kept for 7 days after it finished.',
        tags: ['account'],
        params: idParams,
        response: { 200: deletionStatusSchema, ...problems('not_found') },
      },
    },
    async (request) => deletionStatus(services, request.params.id),
  );
};

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
          'Checks the password, then deletes the account: templates with their fields and versions, uploaded files, generated PDFs, jobs and their results, exports, API keys and sessions (every token of the account stops working at once), rows and stored objects alike. Answers 202 at once: the account is unusable from then on (it cannot sign in; sessions and API keys are revoked; unfinished jobs are cancelled) and its data is deleted in the background; poll GET /api/account/deletions/{id} until `completed`. The audit trail is anonymised (the account id is replaced, addresses and details dropped) and kept for 365 days; an `account.deleted` row records the deletion. The only administrator cannot delete their account (409 `last_admin`): make another administrator first. Cannot be undone.',
        tags: ['account'],
        body: z.object({ password: z.string().max(1024).describe('The current password') }).describe('The password, re-entered'),
        response: {
          202: deletionAccepted,
          ...problems('invalid_credentials', 'forbidden', 'last_admin'),
        },
      },
    },
    async (request, reply) => {
      const { userId } = signedIn(request);
      const user = await repos.users.findById(userId);
      const found = await repos.users.findForLogin(user.email);
      if (!found || !(await verifyPassword(request.body.password, found.passwordHash)))
        throw new UnauthorizedError('invalid_credentials', 'The password is wrong');
      const task = await requestDeletion(services, userId, { via: 'self', requestId: request.id });
      app.sessions.forgetAll();
      request.audit = { recorded: true };
      return reply
        .code(202)
        .header('location', `/api/account/deletions/${task.id}`)
        .send({ deletion: { id: task.id, status: task.status, createdAt: task.createdAt } });
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
          'Starts building a ZIP of the account in the background (202; poll GET /api/account/export/{id}): account.json (user and profile), templates.json (templates with fields and published versions) with each base PDF and version snapshot, files.json with the uploaded PDFs, generated-pdfs.json with the completed documents, jobs.json, api-keys.json (never the keys) and audit-logs.json (the account’s own actions). When it is ready the status carries a signed link valid for one hour; the ZIP is deleted after 24 hours. Limited to 5 a minute.',
        tags: ['account'],
        response: { 202: exportAccepted, ...problems('forbidden') },
      },
    },
    async (request, reply) => {
      const { userId } = signedIn(request);
      const task = await requestExport(services, userId);
      request.audit = { action: 'account.export_requested', resourceType: 'user', resourceId: userId, details: { taskId: task.id } };
      return reply
        .code(202)
        .header('location', `/api/account/export/${task.id}`)
        .send({ export: { id: task.id, status: task.status, createdAt: task.createdAt } });
    },
  );

  app.get(
    '/api/account/export/:id',
    {
      schema: {
        operationId: 'getAccountExport',
        summary: 'The status of an account export, with its download link when ready',
        description:
          'Status `queued` or `running` while the ZIP is built, `completed` with a signed link (valid one hour; asking again gives a fresh one) to the ZIP, its size and counts, `failed` (retried by the queue), or `expired` once the ZIP was deleted (24 hours). Another account’s export is 404.',
        tags: ['account'],
        params: idParams,
        response: { 200: exportStatusSchema, ...problems('forbidden', 'not_found') },
      },
    },
    async (request) => {
      const { userId } = signedIn(request);
      return exportStatus(services, userId, request.params.id);
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
          'What DELETE /api/profile does (202, then the data goes in the background), for any account, without its password. The `account.deleted` audit row names the administrator. The only administrator cannot be deleted (409 `last_admin`). Administrators only.',
        tags: ['admin'],
        params: idParams,
        response: { 202: deletionAccepted, ...problems('not_found', 'last_admin') },
      },
    },
    async (request, reply) => {
      const admin = currentUser(request);
      const task = await requestDeletion(services, request.params.id, {
        via: 'admin',
        adminId: admin.userId,
        requestId: request.id,
        ip: request.ip,
      });
      app.sessions.forgetAll();
      request.audit = { recorded: true };
      return reply
        .code(202)
        .header('location', `/api/account/deletions/${task.id}`)
        .send({ deletion: { id: task.id, status: task.status, createdAt: task.createdAt } });
    },
  );
};
