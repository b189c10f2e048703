import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '@/generated/prisma/client.js';
import { getConfig } from '@/shared/config/index.js';

/**
 * The PrismaClient, always through the pg driver adapter (node-postgres pool): production RDS,
 * any PostgreSQL at DATABASE_URL, and the embedded PGlite (served on a loopback port) take the
 * same path.
 *
 * The singleton lives at module level so a warm Lambda container reuses the pool across
 * invocations instead of reconnecting each time.
 */

export { PrismaClient };

export interface PrismaClientOptions {
  url: string;
  /** Pool size (default config.database.poolMax). */
  poolMax?: number;
  /** TLS mode (default config.database.ssl). `require` encrypts; `verify-full` also checks the certificate. */
  ssl?: 'disable' | 'require' | 'verify-full';
  /** PostgreSQL schema the queries target (default: the connection's search_path, normally `public`). */
  schema?: string;
}

export function poolConfig(opts: PrismaClientOptions): pg.PoolConfig {
  const ssl =
    opts.ssl === 'require' ? { rejectUnauthorized: false } : opts.ssl === 'verify-full' ? { rejectUnauthorized: true } : undefined;
  return {
    connectionString: opts.url,
    max: opts.poolMax ?? getConfig().database.poolMax,
    ...(ssl ? { ssl } : {}),
    // Lambda freezes idle containers: drop idle connections rather than find them dead later.
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  };
}

/** A new, independent client (tests, tools). The caller owns it: `await client.$disconnect()`. */
export function createPrismaClient(opts: PrismaClientOptions): PrismaClient {
  const ssl = opts.ssl ?? getConfig().database.ssl;
  const adapter = new PrismaPg(poolConfig({ ...opts, ssl }), opts.schema ? { schema: opts.schema } : undefined);
  return new PrismaClient({ adapter });
}

let runtimeUrl: string | undefined;
let singleton: PrismaClient | undefined;

/**
 * Points getPrisma() at a database whose URL is only known at run time (the embedded PGlite's
 * port). Called by startDatabase(); drops a client bound to another URL.
 */
export async function setDatabaseUrl(url: string | undefined): Promise<void> {
  if (url === runtimeUrl) return;
  runtimeUrl = url;
  await disconnectPrisma();
}

/** The URL getPrisma() uses: the one set at run time, else DATABASE_URL (or DB_HOST…) from config. */
export function currentDatabaseUrl(): string | undefined {
  return runtimeUrl ?? getConfig().database.url;
}

/** The process-wide client (lazy). Throws when no database is configured or started yet. */
export function getPrisma(): PrismaClient {
  if (singleton) return singleton;
  const url = currentDatabaseUrl();
  if (!url) {
    throw new Error('No database: set DATABASE_URL, or call startDatabase() first to start the embedded PostgreSQL');
  }
  singleton = createPrismaClient({ url });
  return singleton;
}

/** Closes the process-wide client's pool (shutdown, tests). The next getPrisma() reconnects. */
export async function disconnectPrisma(): Promise<void> {
  const client = singleton;
  singleton = undefined;
  await client?.$disconnect();
}
