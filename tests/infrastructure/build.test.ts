import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OUT, buildLambdas, formatReport, overBudget, type BundleReport } from '../../scripts/build.js';
import { FUNCTIONS } from '../../scripts/infra/catalog.js';

/**
 * scripts/build.ts on a temporary handler set (src/lambda belongs to the handlers' author; this
 * suite never writes there): `@/` imports resolved, ESM .mjs output that Node can load and call,
 * per-function extras shipped, placeholders only outside dist/lambda, strict mode, size report.
 */
let dir: string;
let reports: BundleReport[];
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-build-test-'));
  await mkdir(path.join(dir, 'src'));
  await writeFile(path.join(dir, 'src/api.ts'), `import { tableName } from '@/shared/database/ddb/tables.js';
import { loadConfig } from '@/shared/config/index.js';
export const handler = async (event: { stage: string }) => ({ table: tableName('templates', event.stage), mode: loadConfig({ PDF_STUDIO_MODE: 'aws' }).mode });
`);
  await writeFile(path.join(dir, 'src/migrate.ts'), `export const handler = async () => ({ ok: true });\n`);
  await writeFile(path.join(dir, 'src/api.test.ts'), `throw new Error('test files are not entry points');\n`);
  reports = await buildLambdas({ srcDir: path.join(dir, 'src'), outDir: path.join(dir, 'out'), placeholders: true, quiet: true });
}, 120_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('scripts/build.ts', () => {
  it('bundles each src/lambda/*.ts into <name>/index.mjs with the @/ alias resolved, loadable by Node', async () => {
    const api = (await import(pathToFileURL(path.join(dir, 'out/api/index.mjs')).href)) as { handler: (e: { stage: string }) => Promise<unknown> };
    expect(await api.handler({ stage: 'qa' })).toEqual({ table: 'pdf-studio-templates-qa', mode: 'aws' });
    const code = await readFile(path.join(dir, 'out/api/index.mjs'), 'utf8');
    expect(code).not.toContain("from '@/");
    expect(existsSync(path.join(dir, 'out/api.test'))).toBe(false);
  });

  it('ships the migrate function its migrations, schema and runtime packages', () => {
    for (const f of ['migrations', 'schema.prisma', 'node_modules/@prisma/schema-engine-wasm/package.json']) {
      expect(existsSync(path.join(dir, 'out/migrate', f)), f).toBe(true);
    }
  });

  it('writes placeholders for the other functions, flagged in the report', () => {
    const placeholders = reports.filter((r) => r.placeholder).map((r) => r.name).sort();
    expect(placeholders).toEqual(FUNCTIONS.map((f) => f.entry).filter((e) => e !== 'api' && e !== 'migrate').sort());
    expect(reports.find((r) => r.name === 'api')).toMatchObject({ placeholder: false });
    expect(reports.find((r) => r.name === 'api')!.top.length).toBeGreaterThan(0);
  });

  it('refuses placeholders in dist/lambda and fails in strict mode when a function has no source', async () => {
    await expect(buildLambdas({ srcDir: path.join(dir, 'src'), outDir: DEFAULT_OUT, placeholders: true })).rejects.toThrow(/never dist\/lambda/);
    await expect(buildLambdas({ srcDir: path.join(dir, 'src'), outDir: path.join(dir, 'strict'), strict: true })).rejects.toThrow(/pdf-generation/);
  });

  it('reports sizes against the budget', () => {
    const text = formatReport(reports, 1);
    expect(text).toMatch(/api\s+bundle\s+[\d.]+ KB/);
    const over = overBudget(reports, 1).map((r) => r.name);
    expect(over).toContain('api');
    expect(over.filter((n) => reports.find((r) => r.name === n)?.placeholder)).toEqual([]);
    expect(overBudget(reports)).toEqual([]);
  });
});
