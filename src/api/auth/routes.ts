import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnauthorizedError } from '@/shared/auth/jwt.js';
import { verifyAgainstDummy, verifyPassword } from '@/shared/auth/password.js';
import type { PublicUser } from '@/shared/database/prisma/users-repository.js';
import type { Services } from '@/services/context.js';
import { currentUser } from '../plugins/authenticate.js';
import { errorResponses, idParams, isoDate, pageOf, pageQuery } from '../schemas/common.js';
import { apiKeySchema, loginBody, profileInput, refreshBody, registerBody, sessionSchema, tokensSchema, userSchema } from './schemas.js';

/** Register, login, refresh (rotating, reuse-detecting), logout, me, profile, API keys, admin users, audit. */
export const authRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { repos, tokens, config } = services;
  const ttl = config.auth.refreshTtlSeconds;
  // Logins and sign-ups are what attackers hammer: a much tighter limit than the global one.
  const strict = { rateLimit: { max: 20, timeWindow: '1 minute' } };

  async function session(user: PublicUser) {
    const access = await tokens.sign({ userId: user.id, role: user.role, email: user.email });
    const refresh = await repos.refreshTokens.issue({ userId: user.id, ttlSeconds: ttl });
    return { user, accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn };
  }

  app.post(
    '/api/auth/register',
    {
      config: strict,
      schema: { tags: ['auth'], summary: 'Create an account', body: registerBody, response: { 201: sessionSchema, ...errorResponses } },
    },
    async (request, reply) => {
      const user = await repos.users.create({ ...request.body, profile: request.body.profile ?? {} });
      request.audit = { action: 'auth.register', resourceType: 'user', resourceId: user.id, actorId: user.id };
      return reply.code(201).send(await session(user));
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: strict,
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password',
        body: loginBody,
        response: { 200: sessionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const found = await repos.users.findForLogin(request.body.email);
      // Same work whether or not the email exists, so timing does not reveal accounts.
      const ok = found ? await verifyPassword(request.body.password, found.passwordHash) : await verifyAgainstDummy(request.body.password);
      if (!found || !ok) throw new UnauthorizedError('invalid_credentials', 'The email or password is wrong');
      const user = await repos.users.findById(found.user.id, true);
      request.audit = { action: 'auth.login', resourceType: 'user', resourceId: user.id, actorId: user.id };
      return session(user);
    },
  );

  app.post(
    '/api/auth/refresh',
    {
      config: strict,
      schema: {
        tags: ['auth'],
        summary: 'Exchange a refresh token for new tokens (the old one stops working)',
        body: refreshBody,
        response: { 200: tokensSchema, ...errorResponses },
      },
    },
    async (request) => {
      const rotated = await repos.refreshTokens.rotate(request.body.refreshToken, { ttlSeconds: ttl });
      const user = await repos.users.findById(rotated.userId);
      const access = await tokens.sign({ userId: user.id, role: user.role, email: user.email });
      request.audit = { action: 'auth.refresh', resourceType: 'user', resourceId: user.id, actorId: user.id };
      return { accessToken: access.token, refreshToken: rotated.token, expiresIn: access.expiresIn };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke the session of this refresh token',
        body: refreshBody,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const userId = await repos.refreshTokens.revokeByToken(request.body.refreshToken);
      request.audit = { action: 'auth.logout', resourceType: 'user', resourceId: userId, actorId: userId ?? undefined };
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['auth'],
        security: [{ bearerAuth: [] }, { apiKey: [] }],
        response: { 200: z.object({ user: userSchema }), ...errorResponses },
      },
    },
    async (request) => ({
      user: await repos.users.findById(currentUser(request).userId, true),
    }),
  );

  app.get(
    '/api/profile',
    { preHandler: app.requireUser, schema: { tags: ['account'], response: { 200: z.object({ user: userSchema }), ...errorResponses } } },
    async (request) => ({
      user: await repos.users.findById(currentUser(request).userId, true),
    }),
  );

  app.patch(
    '/api/profile',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['account'],
        body: profileInput.extend({ name: z.string().min(1).max(200).optional() }),
        response: { 200: z.object({ user: userSchema }), ...errorResponses },
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
      preHandler: app.requireUser,
      schema: {
        tags: ['account'],
        summary: 'Create an API key (the key is shown only in this response)',
        body: z.object({ name: z.string().min(1).max(100) }),
        response: { 201: apiKeySchema.extend({ key: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { userId } = currentUser(request);
      const { apiKey, key } = await repos.apiKeys.create({ userId, name: request.body.name });
      request.audit = {
        action: 'api_keys.create',
        resourceType: 'api_key',
        resourceId: apiKey.id,
        details: { name: apiKey.name, prefix: apiKey.prefix },
      };
      return reply.code(201).send({ ...apiKey, key });
    },
  );

  app.get(
    '/api/api-keys',
    {
      preHandler: app.requireUser,
      schema: { tags: ['account'], response: { 200: z.object({ items: z.array(apiKeySchema) }), ...errorResponses } },
    },
    async (request) => ({
      items: await repos.apiKeys.list(currentUser(request).userId),
    }),
  );

  app.delete(
    '/api/api-keys/:id',
    { preHandler: app.requireUser, schema: { tags: ['account'], params: idParams, response: { 204: z.null(), ...errorResponses } } },
    async (request, reply) => {
      await repos.apiKeys.revoke(currentUser(request).userId, request.params.id);
      request.audit = { action: 'api_keys.revoke', resourceType: 'api_key', resourceId: request.params.id };
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/admin/users',
    {
      preHandler: app.requireAdmin,
      schema: {
        tags: ['admin'],
        summary: 'List users (search on email and name)',
        querystring: pageQuery.extend({ search: z.string().max(200).optional() }),
        response: { 200: pageOf(userSchema), ...errorResponses },
      },
    },
    async (request) => repos.users.list({ ...request.query, includeProfile: true }),
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
      preHandler: app.requireUser,
      schema: {
        tags: ['account'],
        summary: 'What this account did, newest first',
        querystring: pageQuery,
        response: { 200: pageOf(auditSchema), ...errorResponses },
      },
    },
    async (request) => repos.auditLogs.listByUser(currentUser(request).userId, request.query),
  );
};
