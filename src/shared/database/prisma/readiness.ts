import pg from 'pg';
import { readMigrations } from './migrator.js';

/**
 * Whether an external PostgreSQL can serve the product: reachable, and with every committed
 * migration applied. Checked at start (the process refuses to start with one line saying what to
 * do, rather than answering 500 on every route) and by /health. Reads `_prisma_migrations` the way
 * `prisma migrate status` does; where the migrations folder is not shipped (API Lambda bundles:
 * the migrate function applies them), nothing counts as pending.
 */
export class DatabaseNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseNotReadyError';
  }
}

let committed: Promise<string[]> | undefined;
const committedMigrations = () =>
  (committed ??= readMigrations().then((m) =>
    m.migrationDirectories.filter((d) => d.migrationFile.content.tag === 'ok').map((d) => d.path),
  ));

/** Where the URL points, without its credentials (for messages). */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the configured database';
  }
}

/** The committed migrations not applied to `url`'s database; throws DatabaseNotReadyError when it cannot be reached. */
export async function pendingMigrations(url: string, timeoutMs = 5_000): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    const reason = err instanceof Error ? err.message || (err as { code?: string }).code || err.name : String(err);
    throw new DatabaseNotReadyError(
      `Cannot reach PostgreSQL at ${describeTarget(url)} (${reason}): check DATABASE_URL (or DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD) and that the server is running`,
    );
  }
  try {
    const names = await committedMigrations();
    const table = await client.query<{ t: string | null }>("SELECT to_regclass('_prisma_migrations')::text AS t");
    if (!table.rows[0]?.t) return names;
    const done = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(done.rows.map((r) => r.migration_name));
    return names.filter((n) => !applied.has(n));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Throws DatabaseNotReadyError with what to do when the database is unreachable or behind its migrations. */
export async function assertDatabaseReady(url: string): Promise<void> {
  const pending = await pendingMigrations(url);
  if (pending.length === 0) return;
  throw new DatabaseNotReadyError(
    `The database at ${describeTarget(url)} has ${pending.length} pending migration(s) (${pending[0]}${pending.length > 1 ? ', …' : ''}): run \`npm run db:migrate:deploy\` with the same DATABASE_URL, then start again`,
  );
}
