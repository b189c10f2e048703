import { z } from 'zod';

/**
 * What an API key may do. A server that only generates documents should hold a key that can do
 * nothing else, and no key should be able to mint or revoke keys unless it was made to:
 * - read:     GET routes (templates, files, jobs, generated PDFs, fonts)
 * - generate: generate and preflight documents, start and cancel jobs
 * - write:    every other change (templates, fields, files, profile)
 * - keys:     create, list and revoke API keys, and read the webhook signing secret
 * A key created without scopes gets read, generate and write (not keys).
 */
export const API_KEY_SCOPES = ['read', 'generate', 'write', 'keys'] as const;
export const apiKeyScopeSchema = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

export const DEFAULT_API_KEY_SCOPES: readonly ApiKeyScope[] = ['read', 'generate', 'write'];

/** Routes (method and path pattern) that need a scope other than their method's default. */
const ROUTE_SCOPES: Record<string, ApiKeyScope> = {
  'POST /api/templates/:id/generate': 'generate',
  'POST /api/templates/:id/preflight': 'generate',
  'POST /api/templates/:id/pdfa-preflight': 'generate',
  'POST /api/templates/:id/jobs': 'generate',
  'POST /api/jobs/:id/cancel': 'generate',
  'POST /api/jobs/:id/retry': 'generate',
  'GET /api/jobs/webhook-secret': 'keys',
  'GET /api/api-keys': 'keys',
  'POST /api/api-keys': 'keys',
  'DELETE /api/api-keys/:id': 'keys',
};

/** The scope a request needs: its route's, else read for GET/HEAD and write for the rest. */
export function requiredScope(method: string, routePattern: string | undefined): ApiKeyScope {
  const own = routePattern ? ROUTE_SCOPES[`${method} ${routePattern}`] : undefined;
  if (own) return own;
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

/** The scopes a stored key has (keys stored without any predate scopes and get the default). */
export function effectiveScopes(stored: readonly string[]): ApiKeyScope[] {
  const known = stored.filter((s): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s));
  return known.length > 0 ? known : [...DEFAULT_API_KEY_SCOPES];
}
