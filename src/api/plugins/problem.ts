import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ValidationError } from '@/shared/errors.js';
import { ERROR_CATALOGUE, genericCodeFor, isErrorCode, type ErrorCode } from '@/shared/error-catalogue.js';
import { PdfError } from '@/pdf/errors.js';
import { withProblems } from '../schemas/problems.js';

/**
 * Every error leaves the API as application/problem+json (RFC 9457) with a stable `code`, and
 * every validation problem listed by field — so clients can act on errors without parsing prose.
 */

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: { path: string; code: string; message: string }[];
  [extra: string]: unknown;
}

/** The one place a code becomes an HTTP answer: its status and title come from the catalogue. */
function fromCode(code: ErrorCode, detail: string, base: { instance: string; requestId: string }): Problem {
  const { status, title } = ERROR_CATALOGUE[code];
  return { ...base, type: 'about:blank', title, status, code, detail };
}

/** Fastify's and its plugins' request errors: FST_ERR_CTP_INVALID_MEDIA_TYPE → ctp_invalid_media_type. */
function fastifyCode(err: FastifyError): ErrorCode {
  const derived = err.code ? err.code.replace(/^FST_(ERR_)?/, '').toLowerCase() : undefined;
  return isErrorCode(derived) ? derived : genericCodeFor(err.statusCode ?? 400);
}

export function toProblem(err: unknown, request: FastifyRequest): Problem {
  const base = { instance: request.url, requestId: request.id };
  if (hasZodFastifySchemaValidationErrors(err)) {
    return {
      ...fromCode('validation_failed', `The request ${err.validationContext ?? ''} is invalid`.replace('  ', ' '), base),
      errors: err.validation.map((v) => ({
        path: [err.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].filter(Boolean).join('.'),
        code: String(v.params?.issue && typeof v.params.issue === 'object' && 'code' in v.params.issue ? v.params.issue.code : v.keyword),
        message: v.message ?? 'invalid',
      })),
    };
  }
  if (err instanceof ValidationError) return { ...fromCode(err.code, err.message, base), errors: err.issues };
  if (err instanceof AppError || err instanceof PdfError) {
    // NotFound details name the resource only; never echo anything that hints at other users' data.
    return { ...(err.details ?? {}), ...fromCode(err.code, err.message, base) };
  }
  const fe = err as FastifyError;
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) return fromCode(fastifyCode(fe), fe.message, base);
  return fromCode('internal_error', 'An unexpected error occurred', base);
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/** What any operation can answer: input that fails its schema, bodies Fastify cannot read, limits, slow clients, faults. */
function commonCodes(route: RouteOptions): ErrorCode[] {
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  const codes: ErrorCode[] = ['rate_limited', 'request_timeout', 'internal_error'];
  if (schema.body || schema.querystring || schema.params || schema.headers) codes.push('validation_failed');
  if (schema.body) codes.push('ctp_invalid_json_body', 'ctp_empty_json_body', 'ctp_invalid_media_type', 'ctp_body_too_large');
  return codes;
}

/**
 * Node's own refusals, raised before any route runs (a client too slow to send its request, headers
 * over the size limit, bytes that are not HTTP), answered as problems like everything else.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : 'bad_request';
  const { status, title } = ERROR_CATALOGUE[code];
  this.log.info({ code, err: err.code }, 'client error');
  // A response a route already started owns the socket; raw bytes now would corrupt it.
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify({ type: 'about:blank', title, status, code });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

async function problemPlugin(app: FastifyInstance): Promise<void> {
  // Every documented operation lists the codes any route can answer, next to its own (schemas/problems.ts).
  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide) return;
    route.schema = { ...route.schema, response: withProblems(route.schema.response as never, commonCodes(route)) };
  });
  app.setErrorHandler((err, request, reply) => {
    const problem = toProblem(err, request);
    if (problem.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: problem.code }, 'request rejected');
    // A passing fault says when to come back (RFC 9110 Retry-After), as rate limits do.
    const retryAfter = (problem as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (typeof retryAfter === 'number' && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retryAfter));
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      fromCode('route_not_found', `${request.method} ${request.url} is not a route`, { instance: request.url, requestId: request.id }),
    ),
  );
}

export default fp(problemPlugin, { name: 'problem' });
