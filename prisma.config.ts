import { defineConfig } from 'prisma/config';

/**
 * Where the stock Prisma CLI finds our schema and migrations. Our own `npm run db:*` commands
 * (scripts/db.ts) do not depend on this file except `db:generate`, which runs `prisma generate`.
 * The URL is only read when set: generate needs none, and the embedded database has no fixed URL.
 */
export default defineConfig({
  schema: 'src/shared/database/prisma/schema.prisma',
  migrations: { path: 'src/shared/database/prisma/migrations' },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
