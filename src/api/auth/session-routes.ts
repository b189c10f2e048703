import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnauthorizedError } from '@/shared/auth/jwt.js';
import { verifyPassword } from '@/shared/auth/password.js';
import { ForbiddenError } from '@/shared/errors.js';
import { startSession } from '@/services/accounts/sessions.js';
import type { Services } from '@/services/context.js';
import { currentUser } from '../plugins/authenticate.js';
import { problems } from '../schemas/problems.js';
import { registerBody, sessionSchema } from './schemas.js';

/**
 * Ending sessions from a signed-in one (registered behind authentication): log out everywhere,
 * change the password. Both revoke every session of the account — refresh tokens and the access
 * tokens bound to them. Access tokens only: an API key acts for its user but cannot change how the
 * user signs in.
 */
export const sessionRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { repos } = services;

  const signedIn = (request: Parameters<typeof currentUser>[0]) => {
    const auth = currentUser(request);
    if (auth.via !== 'jwt') throw new ForbiddenError('Only a signed-in user (an access token) can do this, not an API key');
    return auth;
  };

  app.post(
    '/api/auth/logout-all',
    {
      schema: {
        operationId: 'logoutEverywhere',
        summary: 'End every session of the account',
        description:
          'Revokes every refresh token of the signed-in user; their access tokens, this one included, stop working at once. API keys are not affected (revoke them with DELETE /api/api-keys/:id).',
        tags: ['auth'],
        response: {
          200: z.object({ revoked: z.number().describe('Refresh tokens that were live') }).describe('What was revoked'),
          ...problems('forbidden'),
        },
      },
    },
    async (request) => {
      const { userId } = signedIn(request);
      const revoked = await repos.refreshTokens.revokeAllForUser(userId);
      app.sessions.forgetAll();
      request.audit = { action: 'auth.logout_all', resourceType: 'user', resourceId: userId, details: { revoked } };
      return { revoked };
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        operationId: 'changePassword',
        summary: 'Change the password (ends every other session)',
        description:
          'Checks the current password, sets the new one and revokes every session of the account; the answer is a new session, so the caller stays signed in.',
        tags: ['auth'],
        body: z
          .object({ currentPassword: z.string().max(1024), newPassword: registerBody.shape.password })
          .describe('The current password and the new one (8 characters or more)'),
        response: { 200: sessionSchema, ...problems('invalid_credentials', 'forbidden') },
      },
    },
    async (request) => {
      const { userId } = signedIn(request);
      const user = await repos.users.findById(userId, true);
      const found = await repos.users.findForLogin(user.email);
      if (!found || !(await verifyPassword(request.body.currentPassword, found.passwordHash)))
        throw new UnauthorizedError('invalid_credentials', 'The current password is wrong');
      await repos.users.setPassword(userId, request.body.newPassword);
      const revoked = await repos.refreshTokens.revokeAllForUser(userId);
      app.sessions.forgetAll();
      request.audit = { action: 'auth.password_change', resourceType: 'user', resourceId: userId, details: { revoked } };
      return startSession(services, user);
    },
  );
};
