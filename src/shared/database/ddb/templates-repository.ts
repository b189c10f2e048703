import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NotFoundError, ValidationError } from '@/shared/errors.js';
import type { TemplateStatus } from '@/shared/domain/template.js';
import { templateStatusSchema } from '@/shared/domain/template.js';
import { DynamoRepository, type BatchRetryOptions, type Page } from '../repository.js';
import { allOf, cond } from './expressions.js';
import {
  TEMPLATE_KEY,
  templateCreateSchema,
  templatePatchSchema,
  type CreateTemplateInput,
  type TemplateEntity,
  type TemplatePatch,
} from './entities/template-entity.js';
import { TTL_ATTRIBUTE, tableKeys } from './tables.js';
import { parseOrThrow } from './validation.js';

/** Largest page a listing returns; a larger `limit` is a ValidationError, not a silent clamp. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface ListOptions {
  limit?: number;
  cursor?: string;
}

/** Deletes a template's fields, or sets their ttl; the fields repository provides it (kept as an interface to avoid a cycle). */
export interface TemplateFieldsCleaner {
  deleteByTemplate(templateId: string): Promise<number>;
  setTtlByTemplate(templateId: string, ttl: number | null): Promise<number>;
}

/** The attribute a deleted (restorable) template carries; see softDeleteOwned. */
export const DELETED_AT = 'deletedAt';

/** Which templates a listing returns: live ones (default), deleted ones in their undo period, or both. */
export type DeletedMode = 'exclude' | 'only' | 'include';

function deletedFilter(mode: DeletedMode = 'exclude') {
  return mode === 'exclude' ? cond.notExists(DELETED_AT) : mode === 'only' ? cond.exists(DELETED_AT) : undefined;
}

export interface TemplatesRepositoryOptions {
  docClient: DynamoDBDocumentClient;
  tableName: string;
  fields?: TemplateFieldsCleaner;
  batch?: Partial<BatchRetryOptions>;
}

export function checkPageSize(limit: number | undefined): number {
  const value = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw new ValidationError(`page size must be an integer between 1 and ${MAX_PAGE_SIZE}`, [
      { path: 'limit', code: 'invalid_page_size', message: `must be an integer between 1 and ${MAX_PAGE_SIZE}, got ${String(limit)}` },
    ]);
  }
  return value;
}

export class TemplatesRepository extends DynamoRepository<TemplateEntity> {
  private readonly fields?: TemplateFieldsCleaner;

  constructor(options: TemplatesRepositoryOptions) {
    super({
      docClient: options.docClient,
      tableName: options.tableName,
      entityName: 'Template',
      batch: options.batch,
      ttlAttribute: TTL_ATTRIBUTE,
      ...tableKeys('templates'),
    });
    this.fields = options.fields;
  }

  /** Validates (zod; oversize dimensions etc. → ValidationError), assigns id and timestamps. */
  async create(input: CreateTemplateInput): Promise<TemplateEntity> {
    const data = parseOrThrow(templateCreateSchema, input, 'invalid template');
    const now = this.now();
    const item: TemplateEntity = { ...data, templateId: randomUUID(), createdAt: now, updatedAt: now };
    return this.putItem(item, { condition: cond.notExists(TEMPLATE_KEY) });
  }

  /**
   * The template, or undefined. A deleted template (in its undo period) is undefined too unless
   * `includeDeleted`; one past its ttl is always gone (DynamoDB's TTL sweep is lazy).
   */
  async find(templateId: string, options: { includeDeleted?: boolean } = {}): Promise<TemplateEntity | undefined> {
    const item = await this.getItem({ templateId });
    return item && (options.includeDeleted || item.deletedAt === undefined) ? item : undefined;
  }

  /**
   * The template, or NotFoundError, whoever owns it: for system work (workers, cleanup, integrity)
   * only. Anything acting for a user calls getOwned.
   */
  async getInternal(templateId: string): Promise<TemplateEntity> {
    const item = await this.find(templateId);
    if (!item) throw new NotFoundError('Template', templateId);
    return item;
  }

  /** The template if `userId` owns it; someone else's template is "not found", like an unknown id. */
  async getOwned(userId: string, templateId: string): Promise<TemplateEntity> {
    const item = await this.find(templateId);
    if (!item || item.userId !== userId) throw new NotFoundError('Template', templateId);
    return item;
  }

  /** A user's templates, newest first, optionally of one status. */
  async listByUser(
    userId: string,
    options: ListOptions & { status?: TemplateStatus; deleted?: DeletedMode; includeExpired?: boolean } = {},
  ): Promise<Page<TemplateEntity>> {
    const limit = checkPageSize(options.limit);
    const status =
      options.status === undefined ? undefined : parseOrThrow(templateStatusSchema, options.status, 'invalid status', 'status');
    return this.queryPage({
      index: 'UserIdIndex',
      partition: { name: 'userId', value: userId },
      filter: allOf(status ? cond.eq('status', status) : undefined, deletedFilter(options.deleted)),
      forward: false,
      limit,
      cursor: options.cursor,
      includeExpired: options.includeExpired,
    });
  }

  /** Templates of one status across users, newest first (operations, cleanup). */
  async listByStatus(status: TemplateStatus, options: ListOptions = {}): Promise<Page<TemplateEntity>> {
    const limit = checkPageSize(options.limit);
    const value = parseOrThrow(templateStatusSchema, status, 'invalid status', 'status');
    return this.queryPage({
      index: 'StatusIndex',
      partition: { name: 'status', value },
      filter: deletedFilter('exclude'),
      forward: false,
      limit,
      cursor: options.cursor,
    });
  }

  /**
   * Partial update of the owner's template, conditional on existence and ownership in the same
   * write (both failures are NotFoundError). Nested values (dimensions, metadata) are replaced
   * whole; `null` clears.
   */
  async updateOwned(userId: string, templateId: string, patch: TemplatePatch): Promise<TemplateEntity> {
    return this.patch(templateId, patch, userId);
  }

  /** updateOwned for system work, whoever owns the template. */
  async updateInternal(templateId: string, patch: TemplatePatch): Promise<TemplateEntity> {
    return this.patch(templateId, patch, undefined);
  }

  private async patch(templateId: string, patch: TemplatePatch, owner: string | undefined): Promise<TemplateEntity> {
    const parsed = parseOrThrow(templatePatchSchema, patch, 'invalid template update');
    // zod fills defaults (status, scale, metadata) even in a partial schema: keep only what was sent.
    const sent = new Set(Object.keys(patch ?? {}));
    const changes: Record<string, unknown> = Object.fromEntries(Object.entries(parsed).filter(([key]) => sent.has(key)));
    if (Object.keys(changes).length === 0)
      throw new ValidationError('nothing to update', [{ path: '', code: 'empty_update', message: 'the update changes nothing' }]);
    changes.updatedAt = this.now();
    // A deleted template cannot be changed (it is "not found") until it is restored.
    const condition = allOf(owner ? cond.eq('userId', owner) : undefined, cond.notExists(DELETED_AT));
    return this.updateItem({ templateId }, changes, { condition });
  }

  /**
   * Claims published version `current + 1` for the owner's template: a conditional update that
   * succeeds only while `metadata.publishedVersion` is still `current` (absent for the first), so
   * two concurrent publishes never get the same number (the loser: ConflictError). Appends `entry`
   * to `metadata.versions` and makes the template active.
   */
  async claimNextVersion(
    userId: string,
    templateId: string,
    claim: { current: number | undefined; versions: unknown[]; entry: { version: number }; at: string },
  ): Promise<TemplateEntity> {
    return this.updateItem(
      { templateId },
      {
        'metadata.publishedVersion': claim.entry.version,
        'metadata.versions': [...claim.versions, claim.entry],
        status: 'active',
        updatedAt: claim.at,
      },
      {
        condition: cond.and(
          cond.eq('userId', userId),
          claim.current === undefined ? cond.notExists('metadata.publishedVersion') : cond.eq('metadata.publishedVersion', claim.current),
        ),
        onConditionFailed: 'conflict',
      },
    );
  }

  /** Undoes claimNextVersion (while `claimed` is still the latest), restoring the earlier state. */
  async releaseVersion(
    templateId: string,
    release: { claimed: number; previous: number | undefined; versions: unknown[]; status: TemplateStatus },
  ): Promise<void> {
    await this.updateItem(
      { templateId },
      { 'metadata.publishedVersion': release.previous ?? null, 'metadata.versions': release.versions, status: release.status },
      { condition: cond.eq('metadata.publishedVersion', release.claimed) },
    );
  }

  /**
   * Deletes the owner's template restorably: it is marked `deletedAt` with `ttl` = `expiresAt`
   * (epoch seconds), hidden from every read, and DynamoDB's TTL removes it after that (the
   * scheduled cleanup does so where TTL does not run, and removes the blobs). The template first,
   * then its fields' ttl: a crash in between leaves live fields of a deleted template, which go
   * with it when it expires (maintenance/template-undo.ts), never fields that expire under a live one.
   */
  async softDeleteOwned(userId: string, templateId: string, expiresAt: number): Promise<TemplateEntity> {
    const template = await this.updateItem(
      { templateId },
      { [DELETED_AT]: this.now(), ttl: expiresAt },
      { condition: cond.and(cond.eq('userId', userId), cond.notExists(DELETED_AT)) },
    );
    if (this.fields) await this.fields.setTtlByTemplate(templateId, expiresAt);
    return template;
  }

  /**
   * Undoes softDeleteOwned while the ttl has not passed (after it, or for a template that is not
   * deleted or not the owner's: NotFoundError). The fields first, then the template: a crash in
   * between leaves it deleted with fields that no longer expire, and the same call can be repeated.
   */
  async restoreOwned(userId: string, templateId: string): Promise<TemplateEntity> {
    const item = await this.find(templateId, { includeDeleted: true });
    if (!item || item.userId !== userId || item.deletedAt === undefined) throw new NotFoundError('Template', templateId);
    if (this.fields) await this.fields.setTtlByTemplate(templateId, null);
    return this.updateItem(
      { templateId },
      { [DELETED_AT]: null, ttl: null, updatedAt: this.now() },
      { condition: cond.and(cond.eq('userId', userId), cond.exists(DELETED_AT)) },
    );
  }

  async archiveOwned(userId: string, templateId: string): Promise<TemplateEntity> {
    return this.updateOwned(userId, templateId, { status: 'archived' });
  }

  /**
   * Deletes the template and its fields. Without transactions the order matters: ownership is
   * checked first, then the fields go, then the template (conditionally). A crash in between
   * leaves a template with fewer fields, and the same call can simply be repeated; it never leaves
   * fields pointing at a deleted template, except for a field created concurrently with the delete.
   */
  async deleteOwned(userId: string, templateId: string): Promise<{ template: TemplateEntity; deletedFields: number }> {
    return this.remove(templateId, userId);
  }

  /** deleteOwned for system work (retention, account deletion), whoever owns the template. */
  async deleteInternal(templateId: string): Promise<{ template: TemplateEntity; deletedFields: number }> {
    return this.remove(templateId, undefined);
  }

  /** Deletes for good, whatever the state: live, deleted in its undo period, or past its ttl. */
  private async remove(templateId: string, owner: string | undefined): Promise<{ template: TemplateEntity; deletedFields: number }> {
    const found = await this.getItem({ templateId }, { includeExpired: true });
    if (!found || (owner && found.userId !== owner)) throw new NotFoundError('Template', templateId);
    const deletedFields = this.fields ? await this.fields.deleteByTemplate(templateId) : 0;
    const template = await this.deleteItem({ templateId }, { condition: owner ? cond.eq('userId', owner) : undefined });
    if (!template) throw new NotFoundError('Template', templateId);
    return { template, deletedFields };
  }

  /**
   * {active, total} for a user, counted over UserIdIndex page by page (a Query, never a Scan),
   * reading only the status attribute.
   */
  async getUserTemplateStats(userId: string): Promise<{ active: number; total: number; byStatus: Record<TemplateStatus, number> }> {
    const rows = await this.queryAll({
      index: 'UserIdIndex',
      partition: { name: 'userId', value: userId },
      projection: ['status'],
      filter: deletedFilter('exclude'),
      pageSize: 1000,
    });
    const byStatus: Record<TemplateStatus, number> = { draft: 0, active: 0, archived: 0 };
    for (const row of rows) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    return { active: byStatus.active, total: rows.length, byStatus };
  }
}
