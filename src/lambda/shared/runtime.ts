import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Services } from '@/services/context.js';
import { loadConfig } from '@/shared/config/index.js';
import { startInfrastructure, type Infrastructure } from '@/runtime/infrastructure.js';
import { createServices } from '@/runtime/services.js';

/**
 * The deployment gives DB_HOST/PORT/NAME/USER and DB_SECRET_ARN (the RDS-managed secret,
 * `{username, password}`), never a password in the environment: resolve it once per cold start
 * into DB_PASSWORD/DB_USER so the config builds DATABASE_URL as usual. No-op when DATABASE_URL or
 * DB_PASSWORD is already set (local runs, tests).
 */
export async function resolveDatabasePassword(
  env: NodeJS.ProcessEnv = process.env,
  client?: Pick<SecretsManagerClient, 'send'>,
): Promise<void> {
  if (env.DATABASE_URL || env.DB_PASSWORD || !env.DB_SECRET_ARN) return;
  const sm = client ?? new SecretsManagerClient({ region: env.AWS_REGION });
  const out = await sm.send(new GetSecretValueCommand({ SecretId: env.DB_SECRET_ARN }));
  if (!out.SecretString) throw new Error(`secret ${env.DB_SECRET_ARN} has no SecretString`);
  const secret = JSON.parse(out.SecretString) as { username?: string; password?: string };
  if (!secret.password) throw new Error(`secret ${env.DB_SECRET_ARN} has no password`);
  env.DB_PASSWORD = secret.password;
  if (!env.DB_USER && secret.username) env.DB_USER = secret.username;
}

let ready: Promise<{ infra: Infrastructure; services: Services }> | undefined;

/** Services for this Lambda container, built once (cold start) from configuration; reused while warm. */
export function lambdaServices(): Promise<{ infra: Infrastructure; services: Services }> {
  ready ??= (async () => {
    await resolveDatabasePassword();
    const infra = await startInfrastructure(loadConfig(process.env));
    return { infra, services: createServices(infra) };
  })();
  ready.catch(() => {
    ready = undefined; // a failed cold start is retried on the next invocation
  });
  return ready;
}

/** Tests: drop the cached services (and stop them). */
export async function resetLambdaServices(): Promise<void> {
  const current = ready;
  ready = undefined;
  if (current) await (await current).infra.stop().catch(() => undefined);
}
