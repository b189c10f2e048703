import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { UnauthorizedError, type Role } from '@/shared/auth/jwt.js';
import { AppError, ForbiddenError, type ErrorCode } from '@/shared/errors.js';
import { SessionCheck } from '@/services/accounts/sessions.js';
import { effectiveScopes, requiredScope, type ApiKeyScope } from '@/shared/domain/api-key-scopes.js';
import type { Services } from '@/services/context.js';
import { withProblems } from '../schemas/problems.js';

export interface RequestAuth {
  userId: string;
  role: Role;
  via: 'jwt' | 'api_key';
  apiKeyId?: string;
  /** Access tokens: the session (refresh-token family) it belongs to. */
  sessionId?: string;
  /** API keys: what the key may do (see shared/domain/api-key-scopes.ts). */
  scopes?: ApiKeyScope[];
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
  interface FastifyInstance {
    /** Hook: 401 unless the request carries a valid access token or API key. */
    requireUser: (request: FastifyRequest) => Promise<void>;
    /** Hook: 401 as requireUser, then 403 unless the authenticated user is an admin. */
    requireAdmin: (request: FastifyRequest) => Promise<void>;
    /** Which sessions are live (access tokens of ended sessions are refused). */
    sessions: SessionCheck;
  }
}

/** How authenticated operations are called, in OpenAPI: an access token or an API key. */
export const SECURITY: { [scheme: string]: string[] }[] = [{ bearerAuth: [] }, { apiKey: [] }];

/** What an authenticated operation answers when the caller is not (or not enough). */
const AUTH_CODES: ErrorCode[] = [
  'unauthorized',
  'authorization_invalid',
  'token_invalid',
  'token_expired',
  'api_key_invalid',
  'insufficient_scope',
];

/**
 * Registers `routes` in their own scope where every request is authenticated by one onRequest hook
 * (before the body is read: an anonymous client cannot make the API parse a 20 MB body), and
 * documents that once for every route of the scope: `security` and the 401 (and 403) codes.
 */
export async function registerAuthenticated(
  app: FastifyInstance,
  routes: (scope: FastifyInstance) => Promise<void>,
  options: { admin?: boolean } = {},
): Promise<void> {
  await app.register(async (scope) => {
    const codes: ErrorCode[] = options.admin ? [...AUTH_CODES, 'forbidden'] : AUTH_CODES;
    scope.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, security: SECURITY, response: withProblems(route.schema?.response as never, codes) };
    });
    scope.addHook('onRequest', options.admin ? scope.requireAdmin : scope.requireUser);
    await routes(scope);
  });
}

/** The authenticated user, for handlers of routes registered with registerAuthenticated. */
export function currentUser(request: FastifyRequest): RequestAuth {
  if (!request.auth) throw new UnauthorizedError();
  return request.auth;
}

/**
 * Two ways in: `Authorization: Bearer <access token>` (the studio) or `x-api-key` (servers). An
 * API key acts as its user; both are checked on every request (keys can be revoked at once).
 */
async function authenticatePlugin(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const { tokens, repos } = opts.services;
  app.decorateRequest('auth', null);
  const sessions = new SessionCheck(opts.services);
  app.decorate('sessions', sessions);

  async function resolve(request: FastifyRequest): Promise<RequestAuth | null> {
    const header = request.headers.authorization;
    if (header) {
      const [scheme, token] = header.split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token)
        throw new UnauthorizedError('authorization_invalid', 'Use "Authorization: Bearer <token>"');
      const claims = await tokens.verify(token);
      // Logged out, logged out everywhere, password changed, family revoked for reuse, user deleted.
      if (!(await sessions.isLive(claims.sessionId)))
        throw new UnauthorizedError('token_invalid', 'The session of this access token has ended; sign in again');
      return { userId: claims.userId, role: claims.role, via: 'jwt', sessionId: claims.sessionId };
    }
    const key = request.headers['x-api-key'];
    if (typeof key === 'string' && key) {
      const apiKey = await repos.apiKeys.findActiveByKey(key);
      if (!apiKey) throw new UnauthorizedError('api_key_invalid', 'The API key is unknown, revoked or expired');
      const user = await repos.users.findById(apiKey.userId);
      // Awaited, not fire-and-forget: a client that lists its keys right after using one must see
      // lastUsedAt, and on Lambda nothing runs after the reply. A failed touch never fails the request.
      await repos.apiKeys.touch(apiKey.id).catch((err: unknown) => request.log.warn({ err }, 'api key lastUsedAt update failed'));
      return { userId: apiKey.userId, role: user.role, via: 'api_key', apiKeyId: apiKey.id, scopes: effectiveScopes(apiKey.scopes) };
    }
    return null;
  }

  /** After request.auth is set, so a refusal is recorded against the key's user. */
  function assertScope(request: FastifyRequest, auth: RequestAuth): void {
    if (!auth.scopes) return;
    const needed = requiredScope(request.method, request.routeOptions.url);
    if (!auth.scopes.includes(needed))
      throw new AppError('insufficient_scope', `This API key lacks the "${needed}" scope (it has: ${auth.scopes.join(', ')})`, {
        scope: needed,
        scopes: auth.scopes,
      });
  }

  app.decorate('requireUser', async (request: FastifyRequest) => {
    request.auth = await resolve(request);
    if (!request.auth) throw new UnauthorizedError();
    assertScope(request, request.auth);
  });
  app.decorate('requireAdmin', async (request: FastifyRequest) => {
    request.auth = await resolve(request);
    if (!request.auth) throw new UnauthorizedError();
    assertScope(request, request.auth);
    if (request.auth.role !== 'admin') throw new ForbiddenError('This route is for administrators');
  });
}

export default fp(authenticatePlugin, { name: 'authenticate' });
