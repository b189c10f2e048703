import { loadConfig } from '@/shared/config/index.js';
import { migrateDeploy } from '@/shared/database/prisma/migrator.js';
import { resolveDatabasePassword } from './shared/runtime.js';

/** Applies pending migrations (deploy step; the stack limits it to one concurrent run). */
export async function handler(): Promise<{ applied: string[] }> {
  await resolveDatabasePassword();
  const config = loadConfig(process.env);
  if (!config.database.url) throw new Error('no database configured (DATABASE_URL or DB_HOST)');
  return migrateDeploy({ url: config.database.url });
}
