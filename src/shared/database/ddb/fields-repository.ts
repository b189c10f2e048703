import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '@/shared/errors.js';
import { fieldInputSchema, fieldTypeSchema, type FieldType } from '@/shared/domain/field.js';
import { DynamoRepository, mapLimit, type BatchRetryOptions, type Page } from '../repository.js';
import { cond } from './expressions.js';
import { ttlSchema } from './entities/base-entity.js';
import {
  FIELD_KEY,
  mergeFieldPatch,
  FIELD_PATCHABLE,
  fieldCreateSchema,
  fieldSortKey,
  positionUpdateSchema,
  type CreateFieldInput,
  type FieldEntity,
  type FieldPatch,
  type PositionUpdate,
  type StoredField,
} from './entities/field-entity.js';
import { TTL_ATTRIBUTE, tableKeys } from './tables.js';
import { checkPageSize, type ListOptions } from './templates-repository.js';
import { parseOrThrow, toValidationError } from './validation.js';

/** Some fields of a batch are unknown or belong to another template; nothing was written. */
export class FieldsNotInTemplateError extends ValidationError {
  readonly templateId: string;
  readonly fieldIds: string[];
  constructor(templateId: string, fieldIds: string[]) {
    // Unknown and foreign fields get the same message: no hint about other users' data.
    super(
      `${fieldIds.length} field(s) do not belong to template ${templateId}`,
      fieldIds.map((id) => ({
        path: 'fieldId',
        code: 'field_not_in_template',
        message: `field ${id} does not belong to template ${templateId}`,
      })),
      'fields_not_in_template',
    );
    this.templateId = templateId;
    this.fieldIds = fieldIds;
  }
}

export interface FieldsRepositoryOptions {
  docClient: DynamoDBDocumentClient;
  tableName: string;
  batch?: Partial<BatchRetryOptions>;
}

/** Concurrent conditional UpdateItems of one batchUpdatePositions call. */
const UPDATE_CONCURRENCY = 8;
const MAX_UPDATE_RETRIES = 3;

const upsertItemSchema = fieldInputSchema.extend({ fieldId: z.uuid().optional(), ttl: ttlSchema.optional() });
export type UpsertFieldInput = z.input<typeof upsertItemSchema>;

function toField(entity: FieldEntity): StoredField {
  const { sortKey: _sortKey, ...field } = entity;
  return field;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Fields have no owner of their own: they belong to a template. Callers acting for a user load the
 * template with `templates.getOwned` first and then pass its `templateId` here, so a field of
 * another user's template is never reached by its id alone.
 */
export class FieldsRepository extends DynamoRepository<FieldEntity> {
  constructor(options: FieldsRepositoryOptions) {
    super({
      docClient: options.docClient,
      tableName: options.tableName,
      entityName: 'Field',
      batch: options.batch,
      ttlAttribute: TTL_ATTRIBUTE,
      ...tableKeys('fields'),
    });
  }

  /** Validates and fills a field's defaults (style, layout, advanced, validation). */
  async create(input: CreateFieldInput): Promise<StoredField> {
    const data = parseOrThrow(fieldCreateSchema, input, 'invalid field');
    const now = this.now();
    const fieldId = randomUUID();
    const item: FieldEntity = {
      ...data,
      fieldId,
      sortKey: fieldSortKey(data.page, data.layout.layerOrder, fieldId),
      createdAt: now,
      updatedAt: now,
    };
    return toField(await this.putItem(item, { condition: cond.notExists(FIELD_KEY) }));
  }

  async find(fieldId: string): Promise<StoredField | undefined> {
    const item = await this.getItem({ fieldId });
    return item && toField(item);
  }

  /** The field, or NotFoundError (also when it is not in `templateId`, if given). */
  async get(fieldId: string, options: { templateId?: string } = {}): Promise<StoredField> {
    const item = await this.getItem({ fieldId });
    if (!item || (options.templateId && item.templateId !== options.templateId)) throw new NotFoundError('Field', fieldId);
    return toField(item);
  }

  /** All fields of a template in paint order: page, then layerOrder (TemplateIdIndex on sortKey). */
  async listByTemplate(templateId: string): Promise<StoredField[]> {
    const items = await this.queryAll({ index: 'TemplateIdIndex', partition: { name: 'templateId', value: templateId } });
    return items.map(toField);
  }

  async listByTemplatePage(templateId: string, options: ListOptions = {}): Promise<Page<StoredField>> {
    const page = await this.queryPage({
      index: 'TemplateIdIndex',
      partition: { name: 'templateId', value: templateId },
      limit: checkPageSize(options.limit),
      cursor: options.cursor,
    });
    return { ...page, items: page.items.map(toField) };
  }

  /** Fields of one type (TypeIndex), optionally within one template. */
  async listByType(type: FieldType, options: ListOptions & { templateId?: string } = {}): Promise<Page<StoredField>> {
    const value = parseOrThrow(fieldTypeSchema, type, 'invalid field type', 'type');
    const page = await this.queryPage({
      index: 'TypeIndex',
      partition: { name: 'type', value },
      range: options.templateId ? { name: 'templateId', op: '=', value: options.templateId } : undefined,
      limit: checkPageSize(options.limit),
      cursor: options.cursor,
    });
    return { ...page, items: page.items.map(toField) };
  }

  /** Merges a patch into the stored field and validates the result as a whole. */
  private applyPatch(current: FieldEntity, patch: FieldPatch): { changes: Record<string, unknown>; sortKey: string } {
    if (!isPlainObject(patch))
      throw new ValidationError('invalid field update', [{ path: '', code: 'invalid_type', message: 'expected an object' }]);
    const unknown = Object.keys(patch).filter((key) => !(FIELD_PATCHABLE as readonly string[]).includes(key));
    if (unknown.length) {
      throw new ValidationError(
        'invalid field update',
        unknown.map((key) => ({ path: key, code: 'unrecognized_key', message: `${key} cannot be updated` })),
      );
    }
    const spec = parseOrThrow(fieldInputSchema, mergeFieldPatch(current, patch), 'invalid field update');
    const ttl = parseOrThrow(ttlSchema.nullable().optional(), patch.ttl, 'invalid field update', 'ttl');
    const changes: Record<string, unknown> = {};
    for (const key of Object.keys(patch)) {
      if (key === 'ttl') changes.ttl = ttl;
      else if ((patch as Record<string, unknown>)[key] !== undefined) changes[key] = spec[key as keyof typeof spec];
    }
    return { changes, sortKey: fieldSortKey(spec.page, spec.layout.layerOrder, current.fieldId) };
  }

  /**
   * Partial update, read-modify-write: nested maps are merged, the whole field is validated, and
   * the write is conditional on the version read (updatedAt), so concurrent edits are retried,
   * never lost. With `templateId`, a field of another template is NotFoundError.
   */
  async update(fieldId: string, patch: FieldPatch, options: { templateId?: string } = {}): Promise<StoredField> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.getItem({ fieldId }, { consistent: true });
      if (!current || (options.templateId && current.templateId !== options.templateId)) throw new NotFoundError('Field', fieldId);
      const { changes, sortKey } = this.applyPatch(current, patch);
      if (Object.keys(changes).length === 0) return toField(current);
      if (sortKey !== current.sortKey) changes.sortKey = sortKey;
      changes.updatedAt = this.now();
      try {
        const item = await this.updateItem({ fieldId }, changes, {
          condition: cond.and(cond.eq('updatedAt', current.updatedAt), cond.eq('templateId', current.templateId)),
          onConditionFailed: 'conflict',
        });
        return toField(item);
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt + 1 >= MAX_UPDATE_RETRIES) throw err;
      }
    }
  }

  async delete(fieldId: string, options: { templateId?: string } = {}): Promise<StoredField> {
    const item = await this.deleteItem(
      { fieldId },
      { condition: options.templateId ? cond.eq('templateId', options.templateId) : undefined },
    );
    if (!item) throw new NotFoundError('Field', fieldId);
    return toField(item);
  }

  /** Deletes every field of a template (query of keys + batch delete); returns how many. */
  async deleteByTemplate(templateId: string): Promise<number> {
    const keys = await this.queryAll({
      index: 'TemplateIdIndex',
      partition: { name: 'templateId', value: templateId },
      projection: [FIELD_KEY],
      pageSize: 1000,
      includeExpired: true,
    });
    await this.batchDeleteItems(keys.map((k) => ({ fieldId: k.fieldId })));
    return keys.length;
  }

  /**
   * Sets (epoch seconds) or clears (null) the ttl of every field of a template: its deletion and
   * restore (templates-repository softDeleteOwned / restoreOwned). Returns how many fields.
   */
  async setTtlByTemplate(templateId: string, ttl: number | null): Promise<number> {
    const keys = await this.queryAll({
      index: 'TemplateIdIndex',
      partition: { name: 'templateId', value: templateId },
      projection: [FIELD_KEY],
      pageSize: 1000,
      includeExpired: true,
    });
    await mapLimit(keys, UPDATE_CONCURRENCY, async (k) => {
      try {
        await this.updateItem({ fieldId: k.fieldId }, { ttl }, { includeExpired: true });
      } catch (err) {
        // Deleted meanwhile: nothing left to mark.
        if (!(err instanceof NotFoundError)) throw err;
      }
    });
    return keys.length;
  }

  /** Reads the fields of a batch and refuses the whole batch if any is unknown or foreign. */
  private async loadOwned(
    fieldIds: string[],
    templateId: string | undefined,
  ): Promise<{ templateId: string; current: Map<string, FieldEntity> }> {
    const found = await this.batchGetItems(
      fieldIds.map((fieldId) => ({ fieldId })),
      { consistent: true },
    );
    const current = new Map(found.map((f) => [f.fieldId, f]));
    const owner = templateId ?? found[0]?.templateId ?? '(unknown)';
    const rejected = fieldIds.filter((id) => current.get(id)?.templateId !== owner);
    if (rejected.length) throw new FieldsNotInTemplateError(owner, rejected);
    return { templateId: owner, current };
  }

  /**
   * Moves/resizes/re-layers any number of fields (drag & drop). All-or-nothing on validation:
   * every update is validated and every field is read first (batch get); if one is unknown or not
   * in the template (the given `templateId`, or else the template of the first field), the call
   * throws FieldsNotInTemplateError listing them and writes nothing. Then each field gets one
   * conditional UpdateItem (`templateId = :t`, and `sortKey` unchanged when page/layer move), so a
   * field moved away concurrently is never written. Without transactions that write phase is not
   * atomic: if a condition fails there (a concurrent edit), the other fields stay updated and a
   * ConflictError lists `failed` and `applied`; the caller may re-read and retry.
   */
  async batchUpdatePositions(updates: PositionUpdate[], options: { templateId?: string } = {}): Promise<StoredField[]> {
    if (!Array.isArray(updates))
      throw new ValidationError('invalid position updates', [{ path: '', code: 'invalid_type', message: 'expected an array' }]);
    const issues: FieldIssue[] = [];
    const parsed = updates.map((update, i) => {
      const result = positionUpdateSchema.safeParse(update);
      if (!result.success) issues.push(...toValidationError(result.error, '', String(i)).issues);
      return result.data;
    });
    // Duplicates are looked for in the raw input, so they are reported even next to other errors.
    const rawIds = updates.map((u) => (u as { fieldId?: unknown } | null)?.fieldId);
    rawIds.forEach((id, i) => {
      if (typeof id === 'string' && rawIds.indexOf(id) !== i)
        issues.push({ path: `${i}.fieldId`, code: 'duplicate', message: `field ${id} appears twice` });
    });
    const ids = parsed.map((u) => u?.fieldId).filter((id): id is string => Boolean(id));
    if (issues.length) throw new ValidationError('invalid position updates', issues);
    if (ids.length === 0) return [];

    const { templateId, current } = await this.loadOwned(ids, options.templateId);
    const applied: string[] = [];
    const failed: string[] = [];
    const results = await mapLimit(parsed as NonNullable<(typeof parsed)[number]>[], UPDATE_CONCURRENCY, async (update) => {
      const field = current.get(update.fieldId) as FieldEntity;
      const page = update.page ?? field.page;
      const layerOrder = update.layerOrder ?? field.layout.layerOrder;
      const sortKey = fieldSortKey(page, layerOrder, field.fieldId);
      const changes: Record<string, unknown> = {
        position: update.position,
        size: update.size,
        page: update.page,
        'layout.layerOrder': update.layerOrder,
      };
      if (Object.values(changes).every((v) => v === undefined)) return toField(field);
      if (sortKey !== field.sortKey) changes.sortKey = sortKey;
      changes.updatedAt = this.now();
      try {
        const item = await this.updateItem({ fieldId: field.fieldId }, changes, {
          condition: cond.and(cond.eq('templateId', templateId), changes.sortKey ? cond.eq('sortKey', field.sortKey) : undefined),
          onConditionFailed: 'conflict',
        });
        applied.push(field.fieldId);
        return toField(item);
      } catch (err) {
        if (!(err instanceof ConflictError) && !(err instanceof NotFoundError)) throw err;
        failed.push(field.fieldId);
        return undefined;
      }
    });
    if (failed.length) {
      throw new ConflictError('concurrent_field_change', `${failed.length} field(s) changed concurrently; ${applied.length} were updated`, {
        failed,
        applied,
      });
    }
    return results as StoredField[];
  }

  /**
   * The studio's "save": creates or replaces a set of fields of one template in batch writes.
   * Given fieldIds that exist elsewhere are refused (FieldsNotInTemplateError, nothing written);
   * unknown given ids (UUIDs made by the client) are created. With `removeMissing`, fields of the
   * template not in the set are deleted. Last writer wins: batch writes carry no conditions.
   */
  async batchUpsert(templateId: string, inputs: UpsertFieldInput[], options: { removeMissing?: boolean } = {}): Promise<StoredField[]> {
    if (!Array.isArray(inputs))
      throw new ValidationError('invalid fields', [{ path: '', code: 'invalid_type', message: 'expected an array' }]);
    const issues: FieldIssue[] = [];
    const specs = inputs.map((input, i) => {
      const result = upsertItemSchema.safeParse(input);
      if (!result.success) issues.push(...toValidationError(result.error, '', String(i)).issues);
      return result.data;
    });
    const givenIds = specs.map((s) => s?.fieldId).filter((id): id is string => Boolean(id));
    givenIds.forEach((id, i) => {
      if (givenIds.indexOf(id) !== i) issues.push({ path: 'fieldId', code: 'duplicate', message: `field ${id} appears twice` });
    });
    if (issues.length) throw new ValidationError('invalid fields', issues);

    // Expired fields count too: an id must never move to another template, not even once expired.
    const found = await this.batchGetItems(
      givenIds.map((fieldId) => ({ fieldId })),
      { consistent: true, includeExpired: true },
    );
    const existing = new Map(found.map((f) => [f.fieldId, f]));
    const foreign = givenIds.filter((id) => existing.has(id) && existing.get(id)?.templateId !== templateId);
    if (foreign.length) throw new FieldsNotInTemplateError(templateId, foreign);

    const items: FieldEntity[] = specs.map((spec) => {
      const { fieldId: given, ...data } = spec as z.output<typeof upsertItemSchema>;
      const fieldId = given ?? randomUUID();
      const now = this.now();
      const sortKey = fieldSortKey(data.page, data.layout.layerOrder, fieldId);
      return { ...data, fieldId, templateId, sortKey, createdAt: existing.get(fieldId)?.createdAt ?? now, updatedAt: now };
    });
    await this.batchPutItems(items);
    if (options.removeMissing) {
      const keep = new Set(items.map((i) => i.fieldId));
      const all = await this.queryAll({
        index: 'TemplateIdIndex',
        partition: { name: 'templateId', value: templateId },
        projection: [FIELD_KEY],
        includeExpired: true,
      });
      await this.batchDeleteItems(all.filter((f) => !keep.has(f.fieldId)).map((f) => ({ fieldId: f.fieldId })));
    }
    return items.sort((a, b) => (a.sortKey < b.sortKey ? -1 : 1)).map(toField);
  }
}
