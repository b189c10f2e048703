import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../schemas/problems.js';

/** A dependency the service needs; `check` throws when it is unusable. */
export interface HealthCheck {
  name: string;
  /** What implements it here, e.g. "pglite" or "postgresql", "dynalite" or "aws". */
  driver: string;
  check(): Promise<void>;
}

const dependencySchema = z.object({
  status: z.enum(['ok', 'error']),
  driver: z.string(),
  latencyMs: z.number(),
  error: z.string().optional(),
});
const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    uptimeSeconds: z.number(),
    dependencies: z.record(z.string(), dependencySchema),
  })
  .describe('The service and each dependency it needs');

const CHECK_TIMEOUT_MS = 3000;

async function runCheck(c: HealthCheck): Promise<z.infer<typeof dependencySchema>> {
  const started = performance.now();
  try {
    await Promise.race([
      c.check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref()),
    ]);
    return { status: 'ok', driver: c.driver, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: 'error', driver: c.driver, latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
  }
}

export const healthRoutes: FastifyPluginAsyncZod<{ checks: HealthCheck[]; version: string }> = async (app, opts) => {
  app.get(
    '/health',
    {
      schema: {
        operationId: 'getHealth',
        description: 'Checks every dependency and answers 200 when all answer, 503 (same body) when one does not.',
        tags: ['health'],
        summary: 'Reports each dependency (database, DynamoDB, storage, queue) and whether it answers',
        response: { ...problems(), 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const results = await Promise.all(opts.checks.map(runCheck));
      const dependencies = Object.fromEntries(opts.checks.map((c, i) => [c.name, results[i]]));
      const ok = results.every((r) => r.status === 'ok');
      return reply
        .code(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'degraded', version: opts.version, uptimeSeconds: Math.round(process.uptime()), dependencies });
    },
  );
};
