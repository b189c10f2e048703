import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Services } from '@/services/context.js';

export interface AuditNote {
  action?: string;
  resourceType?: string;
  resourceId?: string | null;
  details?: Record<string, unknown>;
  /** For routes where the actor is only known after the handler ran (register, login). */
  actorId?: string;
  /** The handler wrote its own row (account deletion: the default row would name the deleted user and their address). */
  recorded?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** What the handler wants recorded about this mutation; defaults are derived from the route. */
    audit: AuditNote | null;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes that change nothing, or that would only flood the trail (preview work). */
const NOT_AUDITED = [/\/preflight$/];

/** Routes whose answer is a document's bytes (or the signed URL to them): each read is recorded. */
const DOWNLOADS = /\/(download|content|pdf)$/;

/** The route pattern of the request (its path when no route matched). */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?')[0];
}

/**
 * Writes one row for this request: the actor, resource type and id default to the signed-in user,
 * the route's first segment and its :id; request id, address, user agent, status and how the
 * caller authenticated are always recorded. A failed write is logged, never thrown.
 */
async function write(
  services: Services,
  request: FastifyRequest,
  status: number,
  row: { action: string; actorId?: string | null; resourceType?: string; resourceId?: string | null; details?: Record<string, unknown> },
): Promise<void> {
  const params = (request.params ?? {}) as Record<string, string>;
  try {
    await services.repos.auditLogs.record({
      actorId: row.actorId ?? request.auth?.userId ?? null,
      action: row.action,
      resourceType:
        row.resourceType ??
        (routeOf(request)
          .replace(/^\/api\//, '')
          .split('/')[0] ||
          'unknown'),
      resourceId: row.resourceId ?? params.id ?? null,
      requestId: request.id,
      ip: request.ip,
      userAgent: request.headers['user-agent']?.slice(0, 1024) ?? null,
      details: { ...row.details, status, via: request.auth?.via ?? null },
    });
  } catch (err) {
    request.log.error({ err }, 'audit log write failed');
  }
}

/**
 * A refused request that carried credentials (a wrong or ended token, a key without the scope, a
 * user who is not an admin). Anonymous requests without credentials are not recorded: they are
 * the normal first call of every client and would only flood the trail.
 */
async function recordDenied(services: Services, request: FastifyRequest, status: number, payload: unknown): Promise<void> {
  if (!request.headers.authorization && !request.headers['x-api-key']) return;
  const code = typeof payload === 'string' ? /"code":"(\w+)"/.exec(payload)?.[1] : undefined;
  await write(services, request, status, {
    action: 'access.denied',
    details: { code: code ?? null, method: request.method, route: routeOf(request) },
  });
}

/** "/api/templates/:id/fields/positions" → "templates.fields.positions" */
function actionFromRoute(method: string, url: string): string {
  const parts = url
    .replace(/^\/api\//, '')
    .split('/')
    .filter((p) => p && !p.startsWith(':'));
  return `${parts.join('.')}.${method.toLowerCase()}`;
}

/**
 * Every successful mutating request leaves one audit row: actor, action, resource, request id, IP,
 * user agent; so does every download of a document, and every request refused with credentials.
 * Written in onSend — after the handler, before the bytes leave — so a client that got a 2xx can
 * read its own audit row straight away (an onResponse write raced the next request). A failed
 * audit write is logged and never turns a successful mutation into an error.
 */
async function auditPlugin(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  app.decorateRequest('audit', null);
  app.addHook('onSend', async (request: FastifyRequest, reply, payload) => {
    if (reply.statusCode === 401 || reply.statusCode === 403) {
      await recordDenied(opts.services, request, reply.statusCode, payload);
      return payload;
    }
    const route = routeOf(request);
    if (request.method === 'GET' && reply.statusCode < 300 && DOWNLOADS.test(route)) {
      await write(opts.services, request, reply.statusCode, {
        action: `${route.replace(/^\/api\//, '').split('/')[0]}.download`,
        details: { route },
      });
      return payload;
    }
    if (!MUTATING.has(request.method) || reply.statusCode >= 400) return payload;
    if (NOT_AUDITED.some((re) => re.test(route))) return payload;
    const note = request.audit ?? {};
    if (note.recorded) return payload;
    await write(opts.services, request, reply.statusCode, {
      action: note.action ?? actionFromRoute(request.method, route),
      actorId: note.actorId,
      resourceType: note.resourceType,
      resourceId: note.resourceId,
      details: note.details,
    });
    return payload;
  });
}

export default fp(auditPlugin, { name: 'audit' });
