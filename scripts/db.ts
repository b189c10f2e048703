/**
 * `npm run db:<command>` — the seed's database commands, working offline.
 *
 *   db:generate                      prisma generate (the client; no schema engine needed)
 *   db:push [--accept-data-loss]     make the database match schema.prisma, no migration (dev)
 *   db:migrate [-- --name <name>] [--create-only]
 *                                    migrate dev: apply pending, write a new migration, apply it
 *   db:migrate:deploy                apply pending migrations (production step)
 *   db:studio [-- --port 5555]       Prisma Studio on the database
 *   tsx scripts/db.ts diff           SQL from the migrations to schema.prisma (empty = in sync)
 *
 * Target: DATABASE_URL (or DB_HOST…), else the embedded PGlite under DATA_DIR (started for the
 * command and stopped afterwards; it must not be in use by a running `npm start`).
 * Schema changes run on Prisma's schema engine as WebAssembly (src/shared/database/prisma/migrator.ts)
 * because the CLI's native engine cannot be downloaded here.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import type { RunningDatabase } from '@/shared/database/prisma/database.js';

// The database modules load the generated Prisma client, which `db:generate` is there to create:
// they are imported by the commands that use them, so `db:generate` works on a fresh tree.
const migrator = () => import('@/shared/database/prisma/migrator.js');

const require = createRequire(import.meta.url);
const prismaCli = require.resolve('prisma/build/index.js');

function runPrisma(args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, ...args], {
      stdio: 'inherit',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1', ...env },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function withDatabase<T>(migrate: boolean, fn: (db: RunningDatabase) => Promise<T>): Promise<T> {
  const { startDatabase } = await import('@/shared/database/prisma/database.js');
  // Every command but Studio is there to bring the schema forward: pending migrations are expected.
  const db = await startDatabase({ migrate, allowPending: !migrate });
  console.error(`database: ${db.backend} ${db.backend === 'pglite' ? `(${db.embedded?.dataDir})` : redact(db.url)}`);
  // Ctrl-C (e.g. ending db:studio) must still close PGlite cleanly and release its lock.
  const onSignal = (signal: NodeJS.Signals) => void db.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(db);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await db.stop();
  }
}

/**
 * `db:migrate` without --name, as `prisma migrate dev` does: asks on a terminal; elsewhere (scripts,
 * CI) derives one from the time, so the command never stops for an answer nobody can give.
 */
async function migrationName(): Promise<string> {
  const derived = `schema_change_${new Date().toISOString().slice(0, 19).replace(/\D/g, '')}`;
  if (!process.stdin.isTTY) {
    console.error(`no --name given: naming the migration ${derived}`);
    return derived;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`Name of the new migration (${derived}): `)).trim();
    return answer.replace(/[^\w-]+/g, '_') || derived;
  } finally {
    rl.close();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string', short: 'n' },
      'create-only': { type: 'boolean', default: false },
      'accept-data-loss': { type: 'boolean', default: false },
      port: { type: 'string', short: 'p', default: '5555' },
    },
    allowPositionals: false,
  });
  switch (command) {
    case 'generate':
      // `prisma generate` needs no schema engine, but the CLI insists on finding one: point it at
      // an existing file for this one command only (see shared/notes/prisma-offline.md).
      return runPrisma(['generate'], { PRISMA_SCHEMA_ENGINE_BINARY: existsSync('/bin/true') ? '/bin/true' : process.execPath });
    case 'deploy':
      return withDatabase(false, async (db) => {
        const { applied } = await (await migrator()).migrateDeploy({ url: db.url });
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');
        return 0;
      });
    case 'migrate': {
      const name = values.name ?? (await migrationName());
      return withDatabase(false, async (db) => {
        const out = await (await migrator()).migrateDev({ url: db.url, name, createOnly: values['create-only'] });
        if (out.applied.length) console.log(`Applied: ${out.applied.join(', ')}`);
        console.log(out.created ? `Created migrations/${out.created}/migration.sql` : 'Schema unchanged: no new migration.');
        return 0;
      });
    }
    case 'push':
      return withDatabase(false, async (db) => {
        const out = await (await migrator()).dbPush({ url: db.url, acceptDataLoss: values['accept-data-loss'] });
        console.log(`Database in sync with schema.prisma (${out.executedSteps} steps).`);
        return 0;
      });
    case 'diff': {
      const sql = await withDatabase(false, async (db) => (await migrator()).diffMigrationsToSchema({ url: db.url }));
      console.log(sql.trim() ? sql : '-- migrations and schema.prisma agree');
      return 0;
    }
    case 'studio':
      // Studio is served by the CLI itself (no schema engine needed); it talks to the database
      // through the URL, so the embedded PGlite stays up (with its socket) while Studio runs.
      return withDatabase(true, async (db) => {
        console.error(`Prisma Studio on http://localhost:${values.port} (Ctrl-C to stop)`);
        return runPrisma(['studio', '--url', db.url, '--port', String(values.port), '--browser', 'none']);
      });
    default:
      console.error('usage: tsx scripts/db.ts generate|push|migrate|deploy|studio|diff');
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
