import { z } from 'zod';
import { fieldInputSchema, fieldSchema, layoutSchema, positionSchema, sizeSchema, type Field } from '@/shared/domain/field.js';
import { ttlSchema } from './base-entity.js';

/**
 * The stored template field (`pdf-studio-fields-{stage}`): position, size, bindingKey and the
 * embedded style/layout/advanced/validation maps, derived from the domain schema. The stored item
 * adds `sortKey`, the range key of TemplateIdIndex, so one query returns a template's fields in
 * paint order (page, then layer, then id as a stable tie-break).
 */

export const fieldEntitySchema = fieldSchema.extend({ sortKey: z.string(), ttl: ttlSchema.optional() });
export type FieldEntity = z.output<typeof fieldEntitySchema>;

/** What the API returns: the entity without the index-maintenance attribute. */
export type StoredField = Field & { ttl?: number };

export const FIELD_KEY = 'fieldId' as const;

/** What `fieldsRepository.create` accepts (the data-layer guide's call), plus an optional TTL. */
export const fieldCreateSchema = fieldInputSchema.extend({ templateId: z.string().min(1), ttl: ttlSchema.optional() });
export type CreateFieldInput = z.input<typeof fieldCreateSchema>;

/** Nested maps of a field; a patch of one of them is merged into the stored map. */
export const FIELD_NESTED = ['style', 'layout', 'advanced', 'validation'] as const;
export type FieldNested = (typeof FIELD_NESTED)[number];

/**
 * The field a patch makes: top-level values replace; a nested map (FIELD_NESTED) merges into the
 * stored one, a `null` member removing that setting, so a studio sending {style: {fontSize: 14}}
 * keeps the other style settings. Unvalidated: the caller parses the result. `ttl` is not a field
 * attribute and is left out.
 */
export function mergeFieldPatch(current: object, patch: object): Record<string, unknown> {
  const stored = current as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || key === 'ttl') continue;
    if ((FIELD_NESTED as readonly string[]).includes(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const next: Record<string, unknown> = { ...(stored[key] as Record<string, unknown>), ...value };
      for (const [member, v] of Object.entries(value)) if (v === null) delete next[member];
      merged[key] = next;
    } else merged[key] = value;
  }
  return merged;
}

/** Top-level attributes a patch may mention (ids, template and timestamps are not among them). */
export const FIELD_PATCHABLE = [...(Object.keys(fieldInputSchema.shape) as (keyof typeof fieldInputSchema.shape)[]), 'ttl'] as const;

export interface FieldPatch {
  name?: string;
  type?: Field['type'];
  page?: number;
  position?: Field['position'];
  size?: Field['size'];
  bindingKey?: string;
  style?: Partial<Field['style']>;
  layout?: Partial<Field['layout']>;
  /** `null` members clear optional settings (e.g. placeholder). */
  advanced?: { [K in keyof Field['advanced']]?: Field['advanced'][K] | null };
  validation?: { [K in keyof Field['validation']]?: Field['validation'][K] | null };
  ttl?: number | null;
}

const PAD = 5; // page and layerOrder are ≤ 10,000 (domain schema), so five digits keep string order numeric.
export function fieldSortKey(page: number, layerOrder: number, fieldId: string): string {
  return `${String(page).padStart(PAD, '0')}#${String(layerOrder).padStart(PAD, '0')}#${fieldId}`;
}

/** One item of `batchUpdatePositions` (drag & drop in the studio). */
export const positionUpdateSchema = z
  .object({
    fieldId: z.string().min(1),
    position: positionSchema.optional(),
    size: sizeSchema.optional(),
    page: fieldInputSchema.shape.page.optional(),
    layerOrder: layoutSchema.shape.layerOrder.unwrap().optional(),
  })
  .strict();
export type PositionUpdate = z.input<typeof positionUpdateSchema>;
