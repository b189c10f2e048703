import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildApp } from '@/api/app.js';
import { toProblem } from '@/api/plugins/problem.js';
import { PDF_ERROR_CODES, PdfError } from '@/pdf/errors.js';
import { loadConfig } from '@/shared/config/index.js';
import { AppError, ERROR_CATALOGUE, ERROR_CODES, ValidationError, isErrorCode, type ErrorCode } from '@/shared/errors.js';

const SRC = path.resolve(import.meta.dirname, '../../src');
const require = createRequire(import.meta.url);

/** The argument that is the code, per error class whose constructor takes one. */
const CODE_ARGUMENT: Record<string, number> = {
  AppError: 0,
  ConflictError: 0,
  UnauthorizedError: 0,
  RefreshTokenError: 0,
  UploadRejectedError: 0,
  PdfError: 0,
  ValidationError: 2,
  fromCode: 0,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * Every string literal src/ passes as an error code: the code argument of `new XError(...)` and of
 * `super(...)` in a subclass, plus `code: '...'` in the failure a file's processing records.
 * Read from the syntax tree, so a cast (`as never`) cannot hide a code from this test.
 */
function thrownCodes(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node) => `${path.relative(SRC, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const take = (node: ts.Expression | undefined): void => {
      if (node && (ts.isAsExpression(node) || ts.isParenthesizedExpression(node) || ts.isSatisfiesExpression(node)))
        return take(node.expression);
      if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) found.set(node.text, where(node));
      if (node && ts.isConditionalExpression(node)) [node.whenTrue, node.whenFalse].forEach(take);
    };
    const visit = (node: ts.Node, parent?: string): void => {
      if (ts.isClassDeclaration(node)) {
        const base = node.heritageClauses?.[0]?.types[0]?.expression.getText(source);
        node.members.forEach((m) => visit(m, base));
        return;
      }
      if (ts.isNewExpression(node) || ts.isCallExpression(node)) {
        const callee = node.expression.getText(source);
        const name = callee === 'super' ? parent : callee;
        const index = name === undefined ? undefined : CODE_ARGUMENT[name];
        if (index !== undefined) take(node.arguments?.[index]);
        if (callee === 'fail') {
          for (const arg of node.arguments ?? []) {
            if (!ts.isObjectLiteralExpression(arg)) continue;
            for (const prop of arg.properties)
              if (ts.isPropertyAssignment(prop) && prop.name.getText(source) === 'code') take(prop.initializer);
          }
        }
      }
      ts.forEachChild(node, (child) => visit(child, parent));
    };
    visit(source);
  }
  return found;
}

function fakeRequest(): FastifyRequest {
  return { url: '/test', id: 'req-1' } as FastifyRequest;
}

describe('error catalogue', () => {
  it('holds every code src/ throws', () => {
    const codes = thrownCodes();
    // The scan must actually see the throw sites (storage, auth, repositories, engine, API).
    for (const known of ['not_found', 'email_taken', 'signed_url_invalid', 'pdf_encrypted', 'file_too_large', 'fields_not_in_template'])
      expect(codes.has(known), known).toBe(true);
    expect(codes.size).toBeGreaterThan(40);
    const missing = [...codes].filter(([code]) => !isErrorCode(code)).map(([code, at]) => `${code} (${at})`);
    expect(missing).toEqual([]);
  });

  it('holds every PdfError code of the engine', () => {
    expect(PDF_ERROR_CODES.filter((c) => !isErrorCode(c))).toEqual([]);
  });

  it('gives each code one status and title, and the problem plugin answers with exactly those', () => {
    for (const code of ERROR_CODES) {
      const { status, title } = ERROR_CATALOGUE[code];
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(title.length, code).toBeGreaterThan(0);
      const problem = toProblem(new AppError(code, `an occurrence of ${code}`), fakeRequest());
      expect(problem).toMatchObject({ status, title, code, detail: `an occurrence of ${code}`, requestId: 'req-1' });
    }
  });

  // The statuses clients saw before the catalogue existed (once spread over three maps and the throw sites).
  it.each<[ErrorCode, number]>([
    ['payload_invalid', 422],
    ['pdf_not_pdf', 415],
    ['pdf_empty', 400],
    ['pdf_too_large', 413],
    ['pdf_corrupt', 422],
    ['file_missing', 409],
    ['file_too_large', 413],
    ['signed_url_expired', 403],
    ['refresh_token_reused', 401],
    ['range_not_satisfiable', 416],
    ['batch_incomplete', 503],
    ['invalid_cursor', 400],
  ])('%s answers %i', (code, status) => {
    expect(ERROR_CATALOGUE[code].status).toBe(status);
  });

  it('maps PdfError and ValidationError subclasses by their code alone', () => {
    const pdf = toProblem(new PdfError('font_missing_glyph', 'no glyph', { char: 'x' }), fakeRequest());
    expect(pdf).toMatchObject({ status: 422, code: 'font_missing_glyph', char: 'x' });
    const issues = [{ path: 'customer.name', code: 'required', message: 'required' }];
    const payload = toProblem(new ValidationError('2 field(s) of the data are invalid', issues, 'payload_invalid'), fakeRequest());
    expect(payload).toMatchObject({ status: 422, code: 'payload_invalid', errors: issues });
    const plain = toProblem(new ValidationError('bad', issues), fakeRequest());
    expect(plain).toMatchObject({ status: 400, code: 'validation_failed', errors: issues });
  });

  it('keeps the status of every Fastify and multipart request error, with a catalogued code', () => {
    const fastifyErrors = require('fastify/lib/errors.js') as Record<string, unknown>;
    const multipartSource = readFileSync(require.resolve('@fastify/multipart'), 'utf8');
    const createError = require('@fastify/error') as (code: string, message: string, status: number) => new () => Error;
    const multipart = [...multipartSource.matchAll(/createError\('(\w+)', '[^']*', (\d+)\)/g)].map(([, code, status]) =>
      createError(code, 'm', Number(status)),
    );
    expect(multipart.length).toBeGreaterThan(5);
    const constructors = [...Object.values(fastifyErrors), ...multipart].filter(
      (v): v is new (...a: string[]) => Error => typeof v === 'function',
    );
    let checked = 0;
    for (const Ctor of constructors) {
      let err: Error & { statusCode?: number; code?: string };
      try {
        err = new Ctor('a', 'b', 'c');
      } catch {
        continue;
      }
      if (!err.statusCode || err.statusCode < 400 || err.statusCode >= 500) continue;
      const problem = toProblem(err, fakeRequest());
      expect(problem.status, err.code).toBe(err.statusCode);
      expect(isErrorCode(problem.code), err.code).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(15);
    const json = new (fastifyErrors.FST_ERR_CTP_INVALID_JSON_BODY as new () => Error)();
    expect(toProblem(json, fakeRequest())).toMatchObject({ status: 400, code: 'ctp_invalid_json_body' });
  });

  it('answers an error with a status and no code with the generic code of that status', () => {
    const err = Object.assign(new Error('Range Not Satisfiable'), { statusCode: 416 });
    expect(toProblem(err, fakeRequest())).toMatchObject({ status: 416, code: 'range_not_satisfiable' });
    expect(toProblem(new Error('boom'), fakeRequest())).toMatchObject({ status: 500, code: 'internal_error' });
  });

  it('answers rate limiting with 429 rate_limited and Retry-After', async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '2' });
    const app = await buildApp({ config, checks: [], logger: false });
    try {
      for (let i = 0; i < 2; i++) expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      const limited = await app.inject({ method: 'GET', url: '/health' });
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['content-type']).toContain('application/problem+json');
      expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited', title: ERROR_CATALOGUE.rate_limited.title });
      // Clients back off by the header, not by parsing `detail`.
      expect(limited.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    } finally {
      await app.close();
    }
  });
});
