import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnauthorizedError } from '@/shared/auth/jwt.js';
import { API_KEY_SCOPES, DEFAULT_API_KEY_SCOPES, apiKeyScopeSchema, effectiveScopes } from '@/shared/domain/api-key-scopes.js';
import { AppError } from '@/shared/errors.js';
import { verifyAgainstDummy, verifyPassword } from '@/shared/auth/password.js';
import { checkLoginThrottle, LoginThrottledError } from '@/services/accounts/login-throttle.js';
import { startSession } from '@/services/accounts/sessions.js';
import type { Services } from '@/services/context.js';
import { accountDeletionStatusRoutes, adminAccountRoutes, dataRightsRoutes } from '../account/routes.js';
import { currentUser } from '../plugins/authenticate.js';
import { idParams, isoDate, pageOf, pageQuery } from '../schemas/common.js';
import { problems } from '../schemas/problems.js';
import { apiKeySchema, loginBody, profileInput, refreshBody, registerBody, sessionSchema, tokensSchema, userSchema } from './schemas.js';

/** Public: register, login, refresh (rotating, reuse-detecting), logout. */
export const authRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { repos, tokens, config } = services;
  const ttl = config.auth.refreshTtlSeconds;
  await app.register(accountDeletionStatusRoutes, { services });
  // Logins and sign-ups are what attackers hammer: a much tighter limit than the global one.
  const strict = { rateLimit: { max: 20, timeWindow: '1 minute' } };

  app.post(
    '/api/auth/register',
    {
      config: strict,
      schema: {
        operationId: 'register',
        description:
          'Creates an account (optionally with a profile) and signs it in: the answer carries the user, an access token and a refresh token. Limited to 20 requests a minute per client.',
        tags: ['auth'],
        summary: 'Create an account',
        body: registerBody,
        response: { 201: sessionSchema, ...problems('email_taken') },
      },
    },
    async (request, reply) => {
      const user = await repos.users.create({ ...request.body, profile: request.body.profile ?? {} });
      request.audit = { action: 'auth.register', resourceType: 'user', resourceId: user.id, actorId: user.id };
      return reply.code(201).send(await startSession(services, user));
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: strict,
      schema: {
        operationId: 'login',
        description:
          'Signs in with email and password and starts a new session (a new refresh-token family). A wrong email and a wrong password answer alike. Limited to 20 requests a minute per client.',
        tags: ['auth'],
        summary: 'Sign in with email and password',
        body: loginBody,
        response: { 200: sessionSchema, ...problems('invalid_credentials', 'login_throttled') },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const found = await repos.users.findForLogin(email);
      try {
        await checkLoginThrottle(services, email, found?.user.id, request.ip);
      } catch (err) {
        if (err instanceof LoginThrottledError) reply.header('retry-after', String(err.retryAfterSeconds));
        throw err;
      }
      // Same work whether or not the email exists, so timing does not reveal accounts.
      const ok = found ? await verifyPassword(password, found.passwordHash) : await verifyAgainstDummy(password);
      if (!found || !ok) {
        const failures = await repos.loginThrottles.recordFailure(email);
        // Recorded although the request fails (the audit plugin records successes only).
        await repos.auditLogs
          .record({
            // Not the account's own action: whoever tried is unknown (actor null), the account is the resource.
            actorId: null,
            action: 'auth.login_failed',
            resourceType: 'user',
            resourceId: found?.user.id ?? null,
            requestId: request.id,
            ip: request.ip,
            userAgent: request.headers['user-agent']?.slice(0, 1024) ?? null,
            details: { failures },
          })
          .catch((err: unknown) => request.log.warn({ err }, 'audit of a failed login failed'));
        throw new UnauthorizedError('invalid_credentials', 'The email or password is wrong');
      }
      await repos.loginThrottles.recordSuccess(email, found.user.id, request.ip);
      const user = await repos.users.findById(found.user.id, true);
      request.audit = { action: 'auth.login', resourceType: 'user', resourceId: user.id, actorId: user.id };
      return startSession(services, user);
    },
  );

  app.post(
    '/api/auth/refresh',
    {
      config: strict,
      schema: {
        operationId: 'refreshSession',
        description:
          'Rotates the session: the presented refresh token is consumed and its successor returned with a new access token. Presenting a consumed token again revokes the whole family (refresh_token_reused).',
        tags: ['auth'],
        summary: 'Exchange a refresh token for new tokens (the old one stops working)',
        body: refreshBody,
        response: { 200: tokensSchema, ...problems('invalid_refresh_token', 'refresh_token_expired', 'refresh_token_reused') },
      },
    },
    async (request) => {
      const rotated = await repos.refreshTokens.rotate(request.body.refreshToken, { ttlSeconds: ttl });
      const user = await repos.users.findById(rotated.userId);
      const access = await tokens.sign({ userId: user.id, role: user.role, email: user.email, sessionId: rotated.record.familyId });
      request.audit = { action: 'auth.refresh', resourceType: 'user', resourceId: user.id, actorId: user.id };
      return { accessToken: access.token, refreshToken: rotated.token, expiresIn: access.expiresIn };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        operationId: 'logout',
        description:
          'Revokes the session of this refresh token: the refresh token and every access token of the session stop working. An unknown or already revoked token is not an error.',
        tags: ['auth'],
        summary: 'Revoke the session of this refresh token',
        body: refreshBody,
        response: { 204: z.null(), ...problems() },
      },
    },
    async (request, reply) => {
      const ended = await repos.refreshTokens.revokeByToken(request.body.refreshToken);
      app.sessions.forget(ended?.familyId);
      const userId = ended?.userId ?? null;
      request.audit = { action: 'auth.logout', resourceType: 'user', resourceId: userId, actorId: userId ?? undefined };
      return reply.code(204).send(null);
    },
  );
};

/** The signed-in account: me, profile, API keys, audit trail, deletion and export (registered behind authentication). */
export const accountRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { repos } = services;
  await app.register(dataRightsRoutes, { services });

  app.get(
    '/api/auth/me',
    {
      schema: {
        operationId: 'getCurrentUser',
        summary: 'The signed-in user with their profile',
        description: 'The user the access token or API key belongs to, with their profile.',
        tags: ['auth'],
        response: { 200: z.object({ user: userSchema }).describe('The user'), ...problems('not_found') },
      },
    },
    async (request) => ({
      user: await repos.users.findById(currentUser(request).userId, true),
    }),
  );

  app.get(
    '/api/profile',
    {
      schema: {
        operationId: 'getProfile',
        summary: "The signed-in user's profile",
        description: 'The same answer as GET /api/auth/me: the user with their profile (company, timezone, language, preferences).',
        tags: ['account'],
        response: { 200: z.object({ user: userSchema }).describe('The user'), ...problems('not_found') },
      },
    },
    async (request) => ({
      user: await repos.users.findById(currentUser(request).userId, true),
    }),
  );

  app.patch(
    '/api/profile',
    {
      schema: {
        operationId: 'updateProfile',
        summary: "Change the signed-in user's name or profile",
        description: 'Changes the name and profile fields that are given; preferences replace the stored object.',
        tags: ['account'],
        body: profileInput.extend({ name: z.string().min(1).max(200).optional() }).describe('The name and profile fields to set'),
        response: { 200: z.object({ user: userSchema }).describe('The user'), ...problems('not_found') },
      },
    },
    async (request) => {
      const { userId } = currentUser(request);
      const { name, ...profile } = request.body;
      const user = await repos.users.updateProfile(userId, profile, name);
      request.audit = {
        action: 'profile.update',
        resourceType: 'user',
        resourceId: userId,
        details: { fields: Object.keys(request.body) },
      };
      return { user };
    },
  );

  app.post(
    '/api/api-keys',
    {
      schema: {
        operationId: 'createApiKey',
        description:
          'Creates an API key for server-to-server calls (header x-api-key). The key acts as its user; only its prefix is stored in clear, so it is shown once.',
        tags: ['account'],
        summary: 'Create an API key (the key is shown only in this response)',
        body: z
          .object({
            name: z.string().min(1).max(100),
            scopes: z
              .array(apiKeyScopeSchema)
              .min(1)
              .max(API_KEY_SCOPES.length)
              .optional()
              .describe('What the key may do: read, generate, write, keys (default: read, generate and write)'),
          })
          .describe('A label for the key and what it may do'),
        response: {
          201: apiKeySchema
            .extend({ key: z.string().describe('Send as x-api-key; shown only here') })
            .describe('The new API key, with the key'),
          ...problems(),
        },
      },
    },
    async (request, reply) => {
      const { userId } = currentUser(request);
      const auth = currentUser(request);
      const scopes = [...new Set(request.body.scopes ?? DEFAULT_API_KEY_SCOPES)];
      // A key can only hand out what it has itself.
      if (auth.scopes && scopes.some((s) => !auth.scopes!.includes(s)))
        throw new AppError('insufficient_scope', `A key cannot create a key with scopes it lacks (it has: ${auth.scopes.join(', ')})`, {
          scopes: auth.scopes,
        });
      const { apiKey, key } = await repos.apiKeys.create({ userId, name: request.body.name, scopes });
      request.audit = {
        action: 'api_keys.create',
        resourceType: 'api_key',
        resourceId: apiKey.id,
        details: { name: apiKey.name, prefix: apiKey.prefix, scopes },
      };
      return reply.code(201).send({ ...apiKey, key });
    },
  );

  app.get(
    '/api/api-keys',
    {
      schema: {
        operationId: 'listApiKeys',
        summary: "The signed-in user's API keys",
        description: 'Every API key of the user, revoked ones included, with prefix and last use; never the key itself.',
        tags: ['account'],
        response: { 200: z.object({ items: z.array(apiKeySchema) }).describe('The API keys'), ...problems() },
      },
    },
    async (request) => ({
      items: (await repos.apiKeys.list(currentUser(request).userId)).map((k) => ({ ...k, scopes: effectiveScopes(k.scopes) })),
    }),
  );

  app.delete(
    '/api/api-keys/:id',
    {
      schema: {
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key',
        description: 'Revokes the key at once: requests carrying it answer 401 api_key_invalid from then on.',
        tags: ['account'],
        params: idParams,
        response: { 204: z.null(), ...problems('not_found') },
      },
    },
    async (request, reply) => {
      await repos.apiKeys.revoke(currentUser(request).userId, request.params.id);
      request.audit = { action: 'api_keys.revoke', resourceType: 'api_key', resourceId: request.params.id };
      return reply.code(204).send(null);
    },
  );

  const auditSchema = z.object({
    id: z.string(),
    action: z.string(),
    resourceType: z.string(),
    resourceId: z.string().nullable(),
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
    details: z.unknown(),
    createdAt: isoDate,
  });
  app.get(
    '/api/audit-logs',
    {
      schema: {
        operationId: 'listAuditLogs',
        description: "The audit trail of the signed-in user's own actions (every successful change), paged.",
        tags: ['account'],
        summary: 'What this account did, newest first',
        querystring: pageQuery,
        response: { 200: pageOf(auditSchema), ...problems() },
      },
    },
    async (request) => repos.auditLogs.listByUser(currentUser(request).userId, request.query),
  );
};

/** Administrators' view of the accounts (registered behind admin authentication). */
export const adminUserRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { repos } = services;
  await app.register(adminAccountRoutes, { services });

  app.get(
    '/api/admin/users',
    {
      schema: {
        operationId: 'listUsers',
        description: 'Every account, paged, with profiles; `search` matches email and name. Administrators only.',
        tags: ['admin'],
        summary: 'List users (search on email and name)',
        querystring: pageQuery.extend({ search: z.string().max(200).optional() }),
        response: { 200: pageOf(userSchema), ...problems() },
      },
    },
    async (request) => repos.users.list({ ...request.query, includeProfile: true }),
  );
};
