import { getConfig } from '@/shared/config/index.js';
import { disconnectPrisma, setDatabaseUrl } from './client.js';
import type { EmbeddedPostgres } from './embedded-postgres.js';
import { migrateDeploy } from './migrator.js';
import { assertDatabaseReady, pendingMigrations } from './readiness.js';

export interface RunningDatabase {
  backend: 'postgresql' | 'pglite';
  url: string;
  /** Present when the embedded PGlite was started (timings, data directory). */
  embedded?: EmbeddedPostgres;
  appliedMigrations: string[];
  /** Disconnects getPrisma()'s pool and stops the embedded database if one was started. */
  stop(): Promise<void>;
}

/**
 * Brings the relational database up for this process: DATABASE_URL (or DB_HOST…) when configured,
 * otherwise the embedded PGlite under `<dataDir>/pglite`, migrated automatically. Afterwards
 * getPrisma() and the repository singletons use it.
 *
 * `migrate` defaults to true for the embedded database and false for an external one (production
 * applies migrations as a deployment step: `npm run db:migrate:deploy`).
 */
/**
 * `allowPending`: the caller is about to change the schema (db:migrate:deploy, db:migrate, db:push,
 * the diff), so an external database behind its migrations is what it expects; it must still be
 * reachable.
 */
export async function startDatabase(
  opts: { dataDir?: string; migrate?: boolean; port?: number; allowPending?: boolean } = {},
): Promise<RunningDatabase> {
  const config = getConfig();
  const external = config.database.url;
  if (external) {
    const applied = opts.migrate ? (await migrateDeploy({ url: external })).applied : [];
    // Unreachable, or an empty database before `db:migrate:deploy`: say so now, in one line.
    if (opts.allowPending) await pendingMigrations(external);
    else await assertDatabaseReady(external);
    return { backend: 'postgresql', url: external, appliedMigrations: applied, stop: disconnectPrisma };
  }
  // Loaded only here: Lambda bundles (always an external database) leave PGlite and its socket out.
  const { startEmbeddedPostgres } = await import('./embedded-postgres.js');
  const embedded = await startEmbeddedPostgres({ dataDir: opts.dataDir ?? config.dataDir, migrate: opts.migrate ?? true, port: opts.port });
  await setDatabaseUrl(embedded.url);
  return {
    backend: 'pglite',
    url: embedded.url,
    embedded,
    appliedMigrations: embedded.appliedMigrations,
    stop: async () => {
      await disconnectPrisma();
      await setDatabaseUrl(undefined);
      await embedded.stop();
    },
  };
}
