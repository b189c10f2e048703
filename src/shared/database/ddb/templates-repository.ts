import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NotFoundError, ValidationError } from '@/shared/errors.js';
import type { TemplateStatus } from '@/shared/domain/template.js';
import { templateStatusSchema } from '@/shared/domain/template.js';
import { DynamoRepository, type BatchRetryOptions, type Page } from '../repository.js';
import { cond } from './expressions.js';
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

/** Deletes a template's fields; the fields repository provides it (kept as an interface to avoid a cycle). */
export interface TemplateFieldsCleaner {
  deleteByTemplate(templateId: string): Promise<number>;
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

  /** The template, or undefined. */
  async find(templateId: string): Promise<TemplateEntity | undefined> {
    return this.getItem({ templateId });
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
  async listByUser(userId: string, options: ListOptions & { status?: TemplateStatus } = {}): Promise<Page<TemplateEntity>> {
    const limit = checkPageSize(options.limit);
    const status =
      options.status === undefined ? undefined : parseOrThrow(templateStatusSchema, options.status, 'invalid status', 'status');
    return this.queryPage({
      index: 'UserIdIndex',
      partition: { name: 'userId', value: userId },
      filter: status ? cond.eq('status', status) : undefined,
      forward: false,
      limit,
      cursor: options.cursor,
    });
  }

  /** Templates of one status across users, newest first (operations, cleanup). */
  async listByStatus(status: TemplateStatus, options: ListOptions = {}): Promise<Page<TemplateEntity>> {
    const limit = checkPageSize(options.limit);
    const value = parseOrThrow(templateStatusSchema, status, 'invalid status', 'status');
    return this.queryPage({ index: 'StatusIndex', partition: { name: 'status', value }, forward: false, limit, cursor: options.cursor });
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
    return this.updateItem({ templateId }, changes, { condition: owner ? cond.eq('userId', owner) : undefined });
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

  private async remove(templateId: string, owner: string | undefined): Promise<{ template: TemplateEntity; deletedFields: number }> {
    if (owner) await this.getOwned(owner, templateId);
    else await this.getInternal(templateId);
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
      pageSize: 1000,
    });
    const byStatus: Record<TemplateStatus, number> = { draft: 0, active: 0, archived: 0 };
    for (const row of rows) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    return { active: byStatus.active, total: rows.length, byStatus };
  }
}
