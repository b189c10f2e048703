import { z } from 'zod';
import { ERROR_CATALOGUE, type ErrorCode } from '@/shared/error-catalogue.js';
import { problemSchema } from './common.js';

/**
 * An operation's error responses in OpenAPI, derived from the error catalogue: each code goes
 * under its catalogue status, and each status's problem schema names its codes (an `enum` on
 * `code` in the document, and in the description). The enum is documentation only: the runtime
 * serializer accepts any code, so a code missing here can never turn a 4xx into a 500.
 */

type ResponseMap = Record<string, unknown>;

/** The codes each problem schema made here documents, so hooks can add to a route's lists. */
const documented = new WeakMap<object, readonly ErrorCode[]>();

function problemOf(codes: readonly ErrorCode[]): z.ZodType {
  const sorted = [...new Set(codes)].sort();
  const lines = sorted.map((c) => `\`${c}\`: ${ERROR_CATALOGUE[c].title}`).join('; ');
  const schema = problemSchema
    .extend({
      code: z
        .string()
        .meta({ enum: sorted })
        .describe(`The error code, one of: ${sorted.join(', ')}`),
    })
    .describe(`application/problem+json. Codes: ${lines}`);
  documented.set(schema, sorted);
  return schema;
}

/** Response entries (status → problem schema naming its codes) for these codes. */
export function problems(...codes: ErrorCode[]): Record<number, z.ZodType> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = ERROR_CATALOGUE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [status, problemOf(list)]));
}

/** Status → codes that a route's response map documents (only problem schemas made by problems()). */
export function documentedCodes(response: ResponseMap | undefined): Map<number, readonly ErrorCode[]> {
  const out = new Map<number, readonly ErrorCode[]>();
  for (const [status, schema] of Object.entries(response ?? {})) {
    const codes = schema && typeof schema === 'object' ? documented.get(schema) : undefined;
    if (codes) out.set(Number(status), codes);
  }
  return out;
}

/** `response` with `codes` added to the problems it documents (2xx entries are kept as they are). */
export function withProblems(response: ResponseMap | undefined, codes: ErrorCode[]): ResponseMap {
  const current = documentedCodes(response);
  const merged = [...[...current.values()].flat(), ...codes];
  return { ...response, ...problems(...merged) };
}
