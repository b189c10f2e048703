import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ValidationError } from '@/shared/errors.js';
import { PdfError } from '@/pdf/errors.js';

/**
 * Every error leaves the API as application/problem+json (RFC 9457) with a stable `code`, and
 * every validation problem listed by field — so clients can act on errors without parsing prose.
 */

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: { path: string; code: string; message: string }[];
  [extra: string]: unknown;
}

const PDF_ERROR_STATUS: Record<string, number> = {
  pdf_too_large: 413,
  font_missing_glyph: 422,
  payload_invalid: 422,
  image_invalid: 422,
  image_too_large: 422,
  render_timeout: 422,
  inspect_timeout: 422,
  barcode_invalid: 422,
};

export function toProblem(err: unknown, request: FastifyRequest): Problem {
  const base = { instance: request.url, requestId: request.id };
  if (hasZodFastifySchemaValidationErrors(err)) {
    return {
      ...base,
      type: 'about:blank',
      title: 'Request validation failed',
      status: 400,
      code: 'validation_failed',
      detail: `The request ${err.validationContext ?? ''} is invalid`.replace('  ', ' '),
      errors: err.validation.map((v) => ({
        path: [err.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].filter(Boolean).join('.'),
        code: String(v.params?.issue && typeof v.params.issue === 'object' && 'code' in v.params.issue ? v.params.issue.code : v.keyword),
        message: v.message ?? 'invalid',
      })),
    };
  }
  if (err instanceof ValidationError) {
    return {
      ...base,
      type: 'about:blank',
      title: 'Validation failed',
      status: err.status,
      code: err.code,
      detail: err.message,
      errors: err.issues,
    };
  }
  if (err instanceof AppError) {
    const details =
      err.details && typeof err.details === 'object' && !Array.isArray(err.details) ? (err.details as Record<string, unknown>) : {};
    // NotFound details name the resource only; never echo anything that hints at other users' data.
    return { ...details, ...base, type: 'about:blank', title: err.message, status: err.status, code: err.code, detail: err.message };
  }
  if (err instanceof PdfError) {
    const status = PDF_ERROR_STATUS[err.code] ?? 422;
    return { ...(err.details ?? {}), ...base, type: 'about:blank', title: err.message, status, code: err.code, detail: err.message };
  }
  const fe = err as FastifyError;
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.code ? fe.code.replace(/^FST_(ERR_)?/, '').toLowerCase() : 'bad_request';
    return { ...base, type: 'about:blank', title: fe.message, status: fe.statusCode, code, detail: fe.message };
  }
  return {
    ...base,
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    code: 'internal_error',
    detail: 'An unexpected error occurred',
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

async function problemPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((err, request, reply) => {
    const problem = toProblem(err, request);
    if (problem.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: problem.code }, 'request rejected');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      type: 'about:blank',
      title: 'Route not found',
      status: 404,
      code: 'route_not_found',
      detail: `${request.method} ${request.url} is not a route`,
      instance: request.url,
      requestId: request.id,
    }),
  );
}

export default fp(problemPlugin, { name: 'problem' });
