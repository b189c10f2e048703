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
/** A dependency's result is reused this long: /health is polled often, and each check is real work. */
export const HEALTH_FRESH_MS = 2000;

type DependencyResult = z.infer<typeof dependencySchema>;

async function runCheck(c: HealthCheck): Promise<DependencyResult> {
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

/**
 * One dependency's latest result. A probe must not wait on a queue that the service's own work
 * keeps busy (the embedded database's thread, the local DynamoDB, the blob directory during a burst
 * of uploads), or /health reports a healthy but busy service as slow or down. So a check runs at
 * most once per HEALTH_FRESH_MS (concurrent probes share the run), and while a newer run is in
 * flight a probe is answered with the previous result. That result is never older than
 * HEALTH_FRESH_MS plus the check's own bound (CHECK_TIMEOUT_MS): a dependency that stops answering
 * shows as `error` at the latest then. The very first probe waits for its checks.
 */
export class CachedCheck {
  private last: { result: DependencyResult; at: number } | undefined;
  private running: Promise<DependencyResult> | undefined;

  constructor(
    private readonly check: HealthCheck,
    /** Milliseconds; tests pass their own clock. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  get name(): string {
    return this.check.name;
  }

  result(): Promise<DependencyResult> | DependencyResult {
    const last = this.last;
    if (last && this.now() - last.at < HEALTH_FRESH_MS) return last.result;
    if (!this.running) {
      const at = this.now();
      const run = runCheck(this.check).then((result) => {
        this.last = { result, at };
        this.running = undefined;
        return result;
      });
      this.running = run;
    }
    return last ? last.result : this.running;
  }
}

export const healthRoutes: FastifyPluginAsyncZod<{ checks: HealthCheck[]; version: string; now?: () => number }> = async (app, opts) => {
  const checks = opts.checks.map((c) => new CachedCheck(c, opts.now));
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
      const results = await Promise.all(checks.map((c) => c.result()));
      const dependencies = Object.fromEntries(checks.map((c, i) => [c.name, results[i]]));
      const ok = results.every((r) => r.status === 'ok');
      return reply
        .code(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'degraded', version: opts.version, uptimeSeconds: Math.round(process.uptime()), dependencies });
    },
  );
};
