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
 * user agent. Written in onSend — after the handler, before the bytes leave — so a client that got
 * a 2xx can read its own audit row straight away (an onResponse write raced the next request). A
 * failed audit write is logged and never turns a successful mutation into an error.
 */
async function auditPlugin(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  app.decorateRequest('audit', null);
  app.addHook('onSend', async (request: FastifyRequest, reply, payload) => {
    if (!MUTATING.has(request.method) || reply.statusCode >= 400) return payload;
    const route = request.routeOptions.url ?? request.url;
    if (NOT_AUDITED.some((re) => re.test(route))) return payload;
    const note = request.audit ?? {};
    const actorId = note.actorId ?? request.auth?.userId ?? null;
    const params = (request.params ?? {}) as Record<string, string>;
    const segments = route.replace(/^\/api\//, '').split('/');
    try {
      await opts.services.repos.auditLogs.record({
        actorId,
        action: note.action ?? actionFromRoute(request.method, route),
        resourceType: note.resourceType ?? segments[0] ?? 'unknown',
        resourceId: note.resourceId ?? params.id ?? null,
        requestId: request.id,
        ip: request.ip,
        userAgent: request.headers['user-agent']?.slice(0, 1024) ?? null,
        details: { ...note.details, status: reply.statusCode, via: request.auth?.via ?? null },
      });
    } catch (err) {
      request.log.error({ err }, 'audit log write failed');
    }
    return payload;
  });
}

export default fp(auditPlugin, { name: 'audit' });
