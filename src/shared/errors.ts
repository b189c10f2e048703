/**
 * Typed errors shared by every layer. Each carries a stable machine-readable `code` and the HTTP
 * status the API maps it to, so the API never has to guess from a message.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: string, message: string, status = 500, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** The resource does not exist, or belongs to someone else (never a hint of which). */
export class NotFoundError extends AppError {
  constructor(resource: string, id?: string) {
    super('not_found', id ? `${resource} ${id} not found` : `${resource} not found`, 404, { resource, id });
  }
}

/** A uniqueness or optimistic-concurrency condition failed. */
export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, 409, details);
  }
}

export interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

/** Input that breaks a rule; lists every problem at once. */
export class ValidationError extends AppError {
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[], code = 'validation_failed') {
    super(code, message, 400, { issues });
    this.issues = issues;
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'forbidden') {
    super('forbidden', message, 403);
  }
}
