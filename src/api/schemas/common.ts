import { z } from 'zod';

/** Shapes shared by many routes, so OpenAPI names them once. */

export const idParams = z.object({ id: z.string().min(1).max(64).describe('The resource id') });

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1).describe('1-based page number'),
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Items per page'),
});

export const cursorQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2000).optional().describe("The previous page's nextCursor; absent for the first page"),
});

export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z
    .object({ items: z.array(item), page: z.number(), limit: z.number(), total: z.number().describe('Items in the whole listing') })
    .describe('One page of a listing (page, limit) with the total count');
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string().describe("The code's title (the same for every occurrence)"),
    status: z.number().describe('The HTTP status'),
    code: z.string().describe('Stable machine-readable error code'),
    detail: z.string().optional().describe('What went wrong this time'),
    requestId: z.string().optional().describe('The x-request-id of the request, for support'),
    errors: z
      .array(z.object({ path: z.string(), code: z.string(), message: z.string() }))
      .optional()
      .describe('Every invalid value at once: its dotted path, what is wrong (code) and a message'),
  })
  .passthrough()
  .describe('An error, as application/problem+json (RFC 9457)');

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
