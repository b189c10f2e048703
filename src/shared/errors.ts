import { ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.js';

export { ERROR_CATALOGUE, ERROR_CODES, isErrorCode, isClientFault, type ErrorCode } from './error-catalogue.js';

/**
 * Typed errors shared by every layer. Each carries a stable machine-readable `code` from the error
 * catalogue; the HTTP status belongs to the code (see error-catalogue.ts), never to the throw site.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  /** The code's status in the catalogue: read-only and derived, never chosen where the error is thrown. */
  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }
}

/** The resource does not exist, or belongs to someone else (never a hint of which). */
export class NotFoundError extends AppError {
  constructor(resource: string, id?: string) {
    super('not_found', id ? `${resource} ${id} not found` : `${resource} not found`, { resource, id });
  }
}

/** A uniqueness or optimistic-concurrency condition failed. */
export class ConflictError extends AppError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

export interface FieldIssue {
  path: string;
  /** What is wrong with this one value (zod's issue codes and a few of ours); not an ErrorCode. */
  code: string;
  message: string;
}

/** Input that breaks a rule; lists every problem at once. */
export class ValidationError extends AppError {
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[], code: ErrorCode = 'validation_failed') {
    super(code, message, { issues });
    this.issues = issues;
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'forbidden') {
    super('forbidden', message);
  }
}
