import { z } from 'zod';
import type { AuditLog } from '@/generated/prisma/client.js';
import { assertId, parseInput, parsePage, PrismaRepository, toPage, type Page, type PageRequest, type Prisma } from './repository.js';

export const auditEntrySchema = z.object({
  /** Who acted; null for the system (cleanup jobs, …). */
  actorId: z.uuid().nullish(),
  action: z.string().min(1).max(128),
  resourceType: z.string().min(1).max(64),
  resourceId: z.string().max(255).nullish(),
  requestId: z.string().max(128).nullish(),
  ip: z.string().max(64).nullish(),
  userAgent: z.string().max(1024).nullish(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.input<typeof auditEntrySchema>;

/** Append-only audit trail (no update, no delete). */
export class AuditLogsRepository extends PrismaRepository {
  async record(entry: AuditEntry): Promise<AuditLog> {
    const data = parseInput(auditEntrySchema, entry, 'Invalid audit entry');
    return this.db.auditLog.create({ data: { ...data, details: (data.details ?? {}) as Prisma.InputJsonObject } });
  }

  /** What this user did, newest first. */
  async listByUser(actorId: string, opts: PageRequest & { action?: string } = {}): Promise<Page<AuditLog>> {
    const { page, limit, skip } = parsePage(opts);
    assertId('User', actorId);
    return this.page({ actorId, ...(opts.action ? { action: opts.action } : {}) }, page, limit, skip);
  }

  /** Everything that happened to one resource, newest first. */
  async listByResource(resourceType: string, resourceId: string, opts: PageRequest = {}): Promise<Page<AuditLog>> {
    const { page, limit, skip } = parsePage(opts);
    return this.page({ resourceType, resourceId }, page, limit, skip);
  }

  async listByRequest(requestId: string): Promise<AuditLog[]> {
    return this.db.auditLog.findMany({ where: { requestId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 1000 });
  }

  private async page(where: Prisma.AuditLogWhereInput, page: number, limit: number, skip: number): Promise<Page<AuditLog>> {
    const [items, total] = await Promise.all([
      this.db.auditLog.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip, take: limit }),
      this.db.auditLog.count({ where }),
    ]);
    return toPage(items, total, page, limit);
  }
}
