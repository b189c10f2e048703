import type { z } from 'zod';
import { ValidationError } from '@/shared/errors.js';

/** zod's issues as our ValidationError (every problem at once, dotted paths). */
export function toValidationError(error: z.ZodError, message: string, prefix?: string): ValidationError {
  return new ValidationError(
    message,
    error.issues.map((issue) => ({
      path: [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.'),
      code: issue.code,
      message: issue.message,
    })),
  );
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, message: string, prefix?: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw toValidationError(parsed.error, message, prefix);
  return parsed.data;
}
