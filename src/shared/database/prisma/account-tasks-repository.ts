import { randomUUID } from 'node:crypto';
import type { Prisma } from '@/generated/prisma/client.js';
import { NotFoundError } from '@/shared/errors.js';
import { PrismaRepository } from './repository.js';

export type AccountTaskKind = 'export' | 'deletion';
export type AccountTaskStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface AccountTask {
  id: string;
  kind: AccountTaskKind;
  userId: string | null;
  requestedBy: string | null;
  status: AccountTaskStatus;
  result: Record<string, unknown> | null;
  error: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

const toTask = (row: {
  id: string;
  kind: string;
  userId: string | null;
  requestedBy: string | null;
  status: string;
  result: Prisma.JsonValue | null;
  error: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}): AccountTask => ({
  ...row,
  kind: row.kind as AccountTaskKind,
  status: row.status as AccountTaskStatus,
  result: (row.result as Record<string, unknown> | null) ?? null,
});

/**
 * Account exports and deletions running on the cleanup queue: what the client polls. Ids are
 * random (v4, not time-ordered): a deletion's status is read by id alone, since the account's
 * tokens are gone by then.
 */
export class AccountTasksRepository extends PrismaRepository {
  async create(input: { kind: AccountTaskKind; userId: string; requestedBy?: string | null; result?: Record<string, unknown> }) {
    const row = await this.db.accountTask.create({
      data: {
        id: randomUUID(),
        kind: input.kind,
        userId: input.userId,
        requestedBy: input.requestedBy ?? null,
        ...(input.result ? { result: input.result as Prisma.InputJsonValue } : {}),
      },
    });
    return toTask(row);
  }

  async find(id: string): Promise<AccountTask | null> {
    const row = await this.db.accountTask.findUnique({ where: { id } });
    return row ? toTask(row) : null;
  }

  /** The task of `kind` if it is the user's; anything else is "not found". */
  async getOwned(userId: string, id: string, kind: AccountTaskKind): Promise<AccountTask> {
    const row = await this.db.accountTask.findFirst({ where: { id, userId, kind } });
    if (!row) throw new NotFoundError('Account task', id);
    return toTask(row);
  }

  async markRunning(id: string): Promise<AccountTask> {
    return toTask(await this.db.accountTask.update({ where: { id }, data: { status: 'running', attempts: { increment: 1 } } }));
  }

  /** Done. A deletion's task forgets whose account it was (`clearUser`). */
  async complete(id: string, result: Record<string, unknown>, opts: { clearUser?: boolean } = {}): Promise<AccountTask> {
    const row = await this.db.accountTask.update({
      where: { id },
      data: {
        status: 'completed',
        result: result as Prisma.InputJsonValue,
        error: null,
        completedAt: new Date(),
        ...(opts.clearUser ? { userId: null, requestedBy: null } : {}),
      },
    });
    return toTask(row);
  }

  async fail(id: string, error: string): Promise<void> {
    await this.db.accountTask.update({ where: { id }, data: { status: 'failed', error, completedAt: new Date() } });
  }

  /** Housekeeping: tasks finished before `before`. */
  async deleteFinishedBefore(before: Date): Promise<number> {
    return (await this.db.accountTask.deleteMany({ where: { completedAt: { lt: before } } })).count;
  }
}
