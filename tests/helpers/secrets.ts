import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/api/app.js';
import type { Services } from '@/services/context.js';
import type { PrismaClient } from '@/generated/prisma/client.js';

/**
 * What the secret-handling tests search: an app over the given services that logs everything
 * (trace) into `logged`, and every row of every table as JSON text.
 */
export function loggingApp(services: Services, logged: string[]): Promise<FastifyInstance> {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged.push(chunk.toString('utf8'));
      done();
    },
  });
  return buildApp({ config: services.config, checks: [], services, logger: { level: 'trace', stream } });
}

export async function tableDumps(prisma: PrismaClient): Promise<{ tablename: string; rows: number; text: string }[]> {
  const tables = await prisma.$queryRawUnsafe<{ tablename: string }[]>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
  const dumps = [];
  for (const { tablename } of tables) {
    const dump = await prisma.$queryRawUnsafe<{ j: unknown }[]>(`SELECT row_to_json(t)::text AS j FROM "${tablename}" t`);
    dumps.push({ tablename, rows: dump.length, text: dump.map((r) => String(r.j)).join('\n') });
  }
  return dumps;
}
