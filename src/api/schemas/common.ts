import { z } from 'zod';

/** Shapes shared by many routes, so OpenAPI names them once. */

export const idParams = z.object({ id: z.string().min(1).max(64) });

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const cursorQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2000).optional(),
});

export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), page: z.number(), limit: z.number(), total: z.number() });
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    code: z.string(),
    detail: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
  })
  .passthrough();

/**
 * Codecs between what handlers return (Date, bigint) and what goes on the wire (ISO string,
 * number): fastify-type-provider-zod *encodes* responses, and OpenAPI documents the wire side.
 */
export const isoDate = z.codec(z.iso.datetime(), z.date(), {
  decode: (s) => new Date(s),
  encode: (d) => d.toISOString(),
});
export const isoDateNullable = isoDate.nullable();
/** Byte sizes are BigInt in the database; below 2^53 they are exact as JSON numbers. */
export const bigSize = z.codec(z.number().int(), z.bigint(), {
  decode: (n) => BigInt(n),
  encode: (b) => Number(b),
});

export const errorResponses = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
} as const;
