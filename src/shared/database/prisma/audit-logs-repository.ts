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
  /** Written already anonymised (the `account.deleted` row): it expires with the account's other rows. */
  anonymisedAt: z.date().nullish(),
});
export type AuditEntry = z.input<typeof auditEntrySchema>;

/** How long the anonymised rows of a deleted account are kept (then the cleanup deletes them). */
export const ANONYMISED_AUDIT_RETENTION_DAYS = 365;

/**
 * Append-only audit trail. The only changes: a deleted account's rows are anonymised (a GDPR
 * erasure must reach the trail too), and anonymised rows are deleted once their period is over.
 */
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

  /**
   * Erases who the rows of `userId` were about: the user's id, as actor or as the `user` resource,
   * becomes `pseudonym` (the rows of one deleted account stay linkable to each other, not to the
   * person), addresses and user agents are dropped, and details keep only the HTTP status and how
   * the caller authenticated (they may hold names, emails, file names). One statement, so the trail
   * is never half anonymised. Returns how many rows were anonymised.
   */
  async anonymiseUser(userId: string, pseudonym: string, at = new Date()): Promise<number> {
    assertId('User', userId);
    assertId('User', pseudonym);
    return this.db.$executeRaw`
      UPDATE "audit_logs" SET
        "actor_id" = CASE WHEN "actor_id" = ${userId}::uuid THEN ${pseudonym}::uuid ELSE "actor_id" END,
        "resource_id" = CASE WHEN "resource_type" = 'user' AND "resource_id" = ${userId} THEN ${pseudonym} ELSE "resource_id" END,
        "ip" = NULL,
        "user_agent" = NULL,
        "details" = jsonb_strip_nulls(jsonb_build_object('status', "details"->'status', 'via', "details"->'via')),
        "anonymised_at" = ${at}
      WHERE "actor_id" = ${userId}::uuid OR ("resource_type" = 'user' AND "resource_id" = ${userId})`;
  }

  /** Housekeeping: anonymised rows whose period (ANONYMISED_AUDIT_RETENTION_DAYS) ended before `now`. */
  async deleteAnonymisedExpired(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - ANONYMISED_AUDIT_RETENTION_DAYS * 86_400_000);
    return (await this.db.auditLog.deleteMany({ where: { anonymisedAt: { lt: before } } })).count;
  }

  private async page(where: Prisma.AuditLogWhereInput, page: number, limit: number, skip: number): Promise<Page<AuditLog>> {
    const [items, total] = await Promise.all([
      this.db.auditLog.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip, take: limit }),
      this.db.auditLog.count({ where }),
    ]);
    return toPage(items, total, page, limit);
  }
}
