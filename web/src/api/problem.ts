/**
 * Errors from the API (application/problem+json, see docs/api-contract.md) as an Error subclass,
 * and their explanation in words for people.
 */

export interface ProblemIssue {
  path: string;
  code: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code?: string;
  detail?: string;
  requestId?: string;
  errors?: ProblemIssue[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(describeProblem(problem));
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code ?? `http_${problem.status}`;
    this.problem = problem;
  }
}

const MESSAGES: Record<string, string> = {
  pdf_not_pdf: 'That file is not a PDF. Choose a .pdf file.',
  pdf_empty: 'That file is empty.',
  pdf_corrupt: 'That PDF is damaged and cannot be read. Try re-saving it from the program that made it.',
  pdf_encrypted: 'That PDF is password-protected. Remove the password and upload it again.',
  pdf_xfa_only:
    'That PDF is a dynamic XFA form, which cannot be filled here. Convert it to a standard PDF form (in Acrobat: Save As Other > Standard PDF) and upload that.',
  file_too_large: 'That file is too large to upload.',
  email_taken: 'An account with this email already exists. Sign in instead.',
  invalid_credentials: 'Wrong email or password.',
  refresh_token_reused: 'Your session was ended for safety. Please sign in again.',
  token_expired: 'Your session has expired. Please sign in again.',
  payload_invalid: 'The data does not match the template.',
  rate_limited: 'Too many requests. Wait a moment and try again.',
  network_error: 'Cannot reach the server. Check your connection; your work will be retried.',
  url_expired: 'The download link has expired. Request a new one.',
};

/** Codes whose detail is the same statement as our message, in the server's words. */
const RESTATED = new Set(['invalid_credentials', 'email_taken', 'refresh_token_reused', 'token_expired', 'rate_limited', 'url_expired']);

export function describeProblem(p: Problem): string {
  const base = (p.code && MESSAGES[p.code]) || p.detail || p.title || `The server answered ${p.status}.`;
  // The server's detail adds what went wrong this time ("no %PDF- header"), except for codes whose
  // detail only says our words again ("Wrong email or password. (The email or password is wrong)").
  const extra = p.code && MESSAGES[p.code] && !RESTATED.has(p.code) && p.detail && p.detail !== base ? ` (${p.detail})` : '';
  const issues = p.errors?.length ? ` ${p.errors.map((e) => `${e.path ? `${e.path}: ` : ''}${e.message}`).join('; ')}` : '';
  return `${base}${extra}${issues}`;
}

/** Builds an ApiError from a failed response, whatever its body is. */
export async function problemFromResponse(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  return new ApiError(parseProblem(res.status, text));
}

export function parseProblem(status: number, text: string): Problem {
  try {
    const body = JSON.parse(text) as Partial<Problem> & { message?: string; error?: string };
    if (body && typeof body === 'object') {
      return { ...body, status: body.status ?? status, detail: body.detail ?? body.message, title: body.title ?? body.error };
    }
  } catch {
    // not JSON: fall through
  }
  return { status, title: text.slice(0, 200) || undefined };
}

export function networkError(cause: unknown): ApiError {
  const err = new ApiError({ status: 0, code: 'network_error', detail: cause instanceof Error ? cause.message : String(cause) });
  return err;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
