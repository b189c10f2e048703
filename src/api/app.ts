import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '@/shared/config/index.js';
import { AppError } from '@/shared/errors.js';
import problem, { clientErrorHandler } from './plugins/problem.js';
import { healthRoutes, type HealthCheck } from './health/routes.js';
import type { Services } from '@/services/context.js';
import authenticate, { registerAuthenticated } from './plugins/authenticate.js';
import { registerStudio, storageOrigins } from './plugins/studio.js';
import audit from './plugins/audit.js';
import { accountRoutes, adminUserRoutes, authRoutes } from './auth/routes.js';
import { sessionRoutes } from './auth/session-routes.js';
import { generateRoutes } from './generate/routes.js';
import { jobRoutes } from './jobs/routes.js';
import { generatedPdfRoutes } from './generated-pdfs/routes.js';
import { adminRoutes as generationAdminRoutes } from './generated-pdfs/admin-routes.js';
import { fileRoutes } from './files/routes.js';
import { blobRoutes } from './blobs/routes.js';
import { templateBasePdfRoutes } from './templates/base-pdf-routes.js';
import { templateRoutes } from './templates/routes.js';
import { fieldRoutes } from './fields/routes.js';
import { fontRoutes } from './fonts/routes.js';
import { signingCertificateRoutes } from './signing-certificates/routes.js';

/**
 * swagger-ui serves its assets from its package folder; a Lambda bundle has no package folders, so
 * the build ships them as `static/` beside index.mjs (scripts/build.ts) and they are served from there.
 */
function swaggerUiAssets(): { baseDir?: string } {
  const beside = fileURLToPath(new URL('./static/', import.meta.url));
  return existsSync(path.join(beside, 'swagger-ui-bundle.js')) ? { baseDir: beside } : {};
}

export interface AppOptions {
  config: Config;
  checks: HealthCheck[];
  version?: string;
  /** Directory of the built studio (web/dist); served at / when it exists. */
  studioDir?: string;
  /** Without services only /health and /docs exist (e.g. while dependencies are down). */
  services?: Services;
  logger?: boolean | object;
}

/**
 * Builds the HTTP API without listening, so tests use inject() and Lambda wraps the same instance.
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const timeouts = config.http.timeouts;
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel },
    // Always ours: the request id is what the audit log and support go by, so a client must not be
    // able to choose it (or reuse another request's). The client's own id is logged beside it.
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024 * 5,
    // X-Forwarded-For decides the client address (rate limits, login throttling, audit): trusted
    // only from the configured proxies (in AWS the API Gateway integration sets the address).
    trustProxy: config.http.trustedProxies ?? config.mode === 'aws',
    // Without these a client that sends headers and part of a body, then nothing, holds its socket
    // (and the request's upload stream) for as long as it likes.
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.connectionMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      requestTimeout: timeouts.requestMs,
      headersTimeout: timeouts.headersMs,
      // Node checks the two timeouts above only this often (30 s by default), which would let a
      // stalled request live up to 30 s past its limit.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(timeouts.headersMs / 4))),
    },
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request) => {
    const given = request.headers['x-request-id'];
    if (typeof given === 'string' && given) request.log.info({ clientRequestId: given.slice(0, 128) }, 'client request id');
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(problem);
  await app.register(helmet, { contentSecurityPolicy: false });
  await app.register(cors, { origin: config.http.corsOrigins ?? false, credentials: true });
  await app.register(rateLimit, {
    max: config.http.rateLimitPerMinute,
    timeWindow: '1 minute',
    // The plugin's own error has a status but no code; ours is the catalogue's rate_limited.
    errorResponseBuilder: (_request, context) => new AppError('rate_limited', `Rate limit exceeded, retry in ${context.after}`),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'PDF Studio API',
        version: opts.version ?? '0.0.0',
        description: 'Upload PDFs, design templates, generate filled PDFs.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', ...swaggerUiAssets() });

  await app.register(healthRoutes, { checks: opts.checks, version: opts.version ?? '0.0.0' });
  if (opts.studioDir) await registerStudio(app, opts.studioDir, { storageOrigins: storageOrigins(config) });
  if (opts.services) {
    const services = opts.services;
    await app.register(authenticate, { services });
    await app.register(audit, { services });
    // Public: sign-up and sign-in, and local signed URLs (the signature is the authorisation).
    await app.register(authRoutes, { services });
    if (services.blobs.driver === 'local') await app.register(blobRoutes, { services });
    await registerAuthenticated(app, async (scope) => {
      await scope.register(accountRoutes, { services });
      await scope.register(sessionRoutes, { services });
      await scope.register(generateRoutes, { services });
      await scope.register(jobRoutes, { services });
      await scope.register(generatedPdfRoutes, { services });
      await scope.register(fileRoutes, { services });
      await scope.register(templateRoutes, { services });
      await scope.register(templateBasePdfRoutes, { services });
      await scope.register(fieldRoutes, { services });
      await scope.register(fontRoutes);
      await scope.register(signingCertificateRoutes, { services });
    });
    await registerAuthenticated(
      app,
      async (scope) => {
        await scope.register(adminUserRoutes, { services });
        await scope.register(generationAdminRoutes, { services });
      },
      { admin: true },
    );
  }
  return app;
}
