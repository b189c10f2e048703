import { z } from 'zod';
import { Prisma, type PrismaClient } from '@/generated/prisma/client.js';
import { NotFoundError, ValidationError, type ConflictError } from '@/shared/errors.js';
import { getPrisma } from './client.js';

/**
 * What every Prisma repository shares: the client it talks to, paging, id checks and the
 * translation of Prisma errors into the service's typed errors.
 *
 * A repository is built with an explicit PrismaClient (tests, scripts) or, by default, resolves
 * getPrisma() on each call — so the module-level singletons in index.ts can be imported before
 * the database is started.
 */
export type ClientSource = PrismaClient | (() => PrismaClient);

export abstract class PrismaRepository {
  readonly #source: ClientSource;

  constructor(source: ClientSource = getPrisma) {
    this.#source = source;
  }

  protected get db(): PrismaClient {
    return typeof this.#source === 'function' ? this.#source() : this.#source;
  }
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageRequest {
  page?: number;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
  totalPages: number;
  hasMore: boolean;
}

const pageSchema = z.object({
  page: z.number().int().min(1).max(1_000_000).default(1),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});

/** Validates paging input; an oversized or non-positive page size is a ValidationError, never clamped silently. */
export function parsePage(req: PageRequest = {}): { page: number; limit: number; skip: number } {
  const parsed = parseInput(pageSchema, { page: req.page, limit: req.limit }, 'Invalid paging');
  return { ...parsed, skip: (parsed.page - 1) * parsed.limit };
}

export function toPage<T>(items: T[], total: number, page: number, limit: number): Page<T> {
  const totalPages = Math.ceil(total / limit);
  return { items, total, page, limit, totalPages, hasMore: page < totalPages };
}

/** zod parse whose failure is the service's ValidationError listing every issue. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, message = 'Invalid input'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    message,
    result.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message })),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id can never exist: answer NotFound (not a database cast error). */
export function assertId(resource: string, id: string): void {
  if (typeof id !== 'string' || !UUID.test(id)) throw new NotFoundError(resource, String(id));
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export function isUniqueViolation(err: unknown): err is Prisma.PrismaClientKnownRequestError {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

/** Record to update/delete not found (P2025) or a missing parent row (foreign key, P2003). */
export function isMissingRecord(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && (err.code === 'P2025' || err.code === 'P2003');
}

/** Runs a write, turning "record not found" into NotFoundError and a unique violation into `onConflict`. */
export async function mapWriteErrors<T>(
  resource: string,
  id: string | undefined,
  write: () => Promise<T>,
  onConflict?: () => ConflictError,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isMissingRecord(err)) throw new NotFoundError(resource, id);
    if (onConflict && isUniqueViolation(err)) throw onConflict();
    throw err;
  }
}

export { Prisma };
