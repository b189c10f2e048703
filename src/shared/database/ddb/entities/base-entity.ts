import { z } from 'zod';

/**
 * What every stored entity carries besides its own attributes: timestamps (ISO 8601, set by the
 * repository, never by callers) and an optional DynamoDB TTL.
 */

/** Epoch seconds at which DynamoDB's TTL sweeper may delete the item (temporary items only). */
export const ttlSchema = z.number().int().positive();

export const baseEntitySchema = z.object({
  createdAt: z.string(),
  updatedAt: z.string(),
  ttl: ttlSchema.optional(),
});
export type BaseEntity = z.output<typeof baseEntitySchema>;

/** Attributes the repository owns: callers can neither set nor patch them. */
export const REPOSITORY_MANAGED = ['createdAt', 'updatedAt'] as const;

/** A TTL `seconds` from now, for temporary items (e.g. studio previews). */
export function ttlFromNow(seconds: number, now = Date.now()): number {
  return Math.floor(now / 1000) + Math.ceil(seconds);
}
