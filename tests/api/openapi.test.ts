import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, isErrorCode } from '@/shared/errors.js';
import { createTestApi, type TestApi } from '../helpers/api.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Operation {
  key: string;
  path: string;
  method: string;
  op: OpenAPIV3.OperationObject;
}

/** Routes anyone may call: sign-up and sign-in, health, and local signed URLs. */
const PUBLIC = new Set([
  'POST /api/auth/register',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/auth/logout',
  // An account deletion's status: the account's credentials are gone, its random id is the handle.
  'GET /api/account/deletions/{id}',
  'GET /health',
  'GET /blobs/{bucket}/{*}',
  'PUT /blobs/{bucket}/{*}',
]);

function problemCodes(response: OpenAPIV3.ResponseObject | OpenAPIV3.ReferenceObject | undefined): string[] {
  const content = response && 'content' in response ? response.content : undefined;
  const schema = (content?.['application/json']?.schema ?? Object.values(content ?? {})[0]?.schema) as OpenAPIV3.SchemaObject | undefined;
  const code = schema?.properties?.code as OpenAPIV3.SchemaObject | undefined;
  return (code?.enum ?? []) as string[];
}

/** The OpenAPI document is the API's contract: every operation named, explained and with its error codes. */
describe('OpenAPI document (/docs/json)', () => {
  let api: TestApi;
  let doc: OpenAPIV3.Document;
  let operations: Operation[];

  beforeAll(async () => {
    api = await createTestApi('pglite');
    const res = await api.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item?.[m]).map((method) => ({
        key: `${method.toUpperCase()} ${path}`,
        path,
        method,
        op: item![method]!,
      })),
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  it('lists the whole API', () => {
    expect(operations.length).toBeGreaterThanOrEqual(56);
    for (const key of ['POST /api/templates', 'POST /api/files', 'POST /api/templates/{id}/generate', 'GET /api/admin/users'])
      expect(operations.map((o) => o.key)).toContain(key);
  });

  it('gives every operation a unique camelCase operationId, a summary and a description', () => {
    const problems: string[] = [];
    const ids = new Map<string, string>();
    for (const { key, op } of operations) {
      if (!op.operationId || !/^[a-z][a-zA-Z0-9]+$/.test(op.operationId)) problems.push(`${key}: operationId ${op.operationId}`);
      else if (ids.has(op.operationId)) problems.push(`${key}: operationId ${op.operationId} also on ${ids.get(op.operationId)}`);
      else ids.set(op.operationId, key);
      if (!op.summary?.trim()) problems.push(`${key}: no summary`);
      if (!op.description?.trim()) problems.push(`${key}: no description`);
    }
    expect(problems).toEqual([]);
  });

  it('lists each operation’s error codes under their catalogue status', () => {
    const problems: string[] = [];
    for (const { key, op } of operations) {
      const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
      if (!errors.some(([, r]) => problemCodes(r).length > 0)) problems.push(`${key}: no documented error code`);
      for (const [status, response] of errors) {
        // /health answers 503 with its own report, not a problem.
        if (key === 'GET /health' && status === '503') continue;
        const codes = problemCodes(response);
        if (!codes.length) problems.push(`${key} ${status}: a problem response without codes`);
        for (const code of codes) {
          if (!isErrorCode(code)) problems.push(`${key} ${status}: ${code} is not in the catalogue`);
          else if (ERROR_CATALOGUE[code].status !== Number(status))
            problems.push(`${key} ${status}: ${code} answers ${ERROR_CATALOGUE[code].status}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('marks the authenticated operations, and only those, with security and their 401 codes', () => {
    for (const { key, op } of operations) {
      if (PUBLIC.has(key)) {
        expect(op.security, key).toBeUndefined();
        continue;
      }
      expect(op.security, key).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
      expect(problemCodes(op.responses['401']), key).toEqual(expect.arrayContaining(['unauthorized', 'token_expired', 'api_key_invalid']));
      if (key.includes('/api/admin/')) expect(problemCodes(op.responses['403']), key).toContain('forbidden');
    }
  });

  it('names the codes the contract promises for key operations', () => {
    const codesOf = (key: string) => {
      const found = operations.find((o) => o.key === key);
      if (!found) throw new Error(`${key} is not in the document`);
      return Object.values(found.op.responses).flatMap(problemCodes);
    };
    expect(codesOf('POST /api/auth/register')).toContain('email_taken');
    expect(codesOf('POST /api/auth/refresh')).toEqual(expect.arrayContaining(['refresh_token_reused', 'refresh_token_expired']));
    expect(codesOf('POST /api/files')).toEqual(
      expect.arrayContaining(['pdf_not_pdf', 'pdf_empty', 'pdf_corrupt', 'pdf_encrypted', 'pdf_too_many_pages', 'file_too_large']),
    );
    expect(codesOf('POST /api/files/{id}/confirm')).toEqual(expect.arrayContaining(['upload_incomplete', 'upload_size_mismatch']));
    expect(codesOf('POST /api/templates')).toContain('file_not_ready');
    expect(codesOf('POST /api/templates/{id}/publish')).toContain('publish_conflict');
    expect(codesOf('PUT /api/templates/{id}/fields/positions')).toEqual(
      expect.arrayContaining(['fields_not_in_template', 'field_out_of_page']),
    );
    expect(codesOf('POST /api/templates/{id}/generate')).toEqual(expect.arrayContaining(['payload_invalid', 'font_missing_glyph']));
    expect(codesOf('POST /api/jobs/{id}/cancel')).toContain('invalid_transition');
    expect(codesOf('GET /api/generated-pdfs/{id}/download')).toContain('pdf_not_ready');
    expect(codesOf('GET /blobs/{bucket}/{*}')).toEqual(expect.arrayContaining(['signed_url_expired', 'signed_url_invalid']));
  });

  it('describes the request and response schemas', () => {
    const undescribed: string[] = [];
    for (const { key, op } of operations) {
      const body = op.requestBody && 'content' in op.requestBody ? op.requestBody.content['application/json']?.schema : undefined;
      if (body && !('$ref' in body) && body.type === 'object' && !body.description) undescribed.push(`${key}: request body`);
      const ok = Object.entries(op.responses).find(([s]) => s.startsWith('2'));
      const content = ok && 'content' in ok[1] ? ok[1].content : undefined;
      const schema = content?.['application/json']?.schema;
      if (schema && !('$ref' in schema) && schema.type === 'object' && !schema.description) undescribed.push(`${key}: ${ok![0]} response`);
    }
    expect(undescribed).toEqual([]);
  });
});
