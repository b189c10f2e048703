import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET_KB, buildLambdas, formatReport, lambdaEntries, overBudget } from '../../scripts/build.js';

/**
 * The real handlers (src/lambda/*.ts), bundled as `npm run build` does, measured against the
 * budget. Until that directory has handlers this suite says so and skips.
 */
const entries = await lambdaEntries();
const dir = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-bundles-test-'));
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('Lambda bundle sizes', () => {
  if (!entries.length) console.log('skipped: src/lambda has no handlers yet (written by the HTTP API issue)');
  it.skipIf(!entries.length)(`every bundle is within ${DEFAULT_BUDGET_KB} KB and exports handler`, async () => {
    const reports = await buildLambdas({ outDir: dir, quiet: true });
    console.log(formatReport(reports));
    expect(reports.map((r) => r.name)).toEqual(entries);
    expect(overBudget(reports)).toEqual([]);
    for (const e of entries) {
      const code = await readFile(path.join(dir, e, 'index.mjs'), 'utf8');
      expect(code, e).toMatch(/export\s*\{[^}]*\bhandler\b/);
      // The embedded runtime (in-process DynamoDB server, PGlite socket server) is never shipped.
      expect(code, e).not.toContain('dynalite');
      expect(code, e).not.toContain('PGLiteSocketServer');
    }
  }, 300_000);
});
