import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildServer, serverBuildReason } from '../../scripts/ensure-server.mjs';
import { pageText } from '../helpers/pdf-readback.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** `npm start`'s prestart: the compiled server is rebuilt when missing or older than a source of it. */
describe('scripts/ensure-server.mjs: when to build', () => {
  let root: string;
  const at = (p: string, seconds: number) => utimes(path.join(root, p), seconds, seconds);
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ensure-server-'));
    for (const dir of ['src/api', 'src/shared/database/prisma/migrations/1_init', 'dist/server', 'web/src', 'scripts']) {
      await mkdir(path.join(root, dir), { recursive: true });
    }
    for (const file of [
      'src/api/app.ts',
      'src/shared/database/prisma/migrations/1_init/migration.sql',
      'web/src/App.tsx',
      'tsconfig.json',
      'package.json',
      'package-lock.json',
      'scripts/ensure-server.mjs',
    ]) {
      await writeFile(path.join(root, file), '');
      await at(file, 1_000);
    }
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('builds on a fresh clone, where dist/server holds no server', () => {
    expect(serverBuildReason(root)).toBe('missing');
  });

  it('keeps a build made after its sources, whatever the studio did', async () => {
    await writeFile(path.join(root, 'dist/server/cli.js'), '');
    await at('dist/server/cli.js', 2_000);
    await at('web/src/App.tsx', 3_000); // the studio alone: built by ensure-studio, not part of the server
    expect(serverBuildReason(root)).toBeNull();
  });

  it('rebuilds after a pull changed a source, a migration, the dependencies or the build itself', async () => {
    await writeFile(path.join(root, 'dist/server/cli.js'), '');
    await at('dist/server/cli.js', 2_000);
    for (const [file, reason] of [
      ['src/api/app.ts', 'src'],
      ['src/shared/database/prisma/migrations/1_init/migration.sql', 'src'],
      ['package-lock.json', 'package-lock.json'],
      ['scripts/ensure-server.mjs', 'scripts/ensure-server.mjs'],
    ] as const) {
      await at(file, 3_000);
      expect(serverBuildReason(root)).toBe(`${reason} changed since it was built`);
      await at(file, 1_000);
    }
    expect(serverBuildReason(root)).toBeNull();
  });
});

/**
 * The build itself, from this repository's sources, into a folder two levels below the repository
 * as dist/server is (the bundle finds package.json and web/dist at ../../, like src/<dir>/ does).
 */
describe('scripts/ensure-server.mjs: the build', () => {
  const out = path.join(ROOT, '.test-data', `server-build-${process.pid}`);
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('bundles the CLI and the worker-thread modules beside it, with the migrations they apply', async () => {
    await buildServer(ROOT, out);
    for (const file of ['cli.js', 'batch-worker.js', 'pglite-worker.js', 'schema.prisma'])
      expect(existsSync(path.join(out, file)), file).toBe(true);
    const shipped = path.join(out, 'migrations');
    const source = path.join(ROOT, 'src/shared/database/prisma/migrations');
    expect(await readFile(path.join(shipped, 'migration_lock.toml'), 'utf8')).toBe(
      await readFile(path.join(source, 'migration_lock.toml'), 'utf8'),
    );
    // No leftover staging folder, and no node_modules package inlined (they load as they are).
    expect(existsSync(`${out}.building-${process.pid}`)).toBe(false);
    expect(await readFile(path.join(out, 'cli.js'), 'utf8')).toMatch(/from "commander"/);
  }, 120_000);

  it('runs as JavaScript: the version from package.json, and a batch of documents rendered by the bundled engine', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const cli = path.join(out, 'cli.js');
    expect((await run(process.execPath, [cli, '--version'])).stdout.trim()).toBe(pkg.version);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'compiled-generate-'));
    try {
      const base = await PDFDocument.create();
      base.addPage([595, 842]);
      await writeFile(path.join(dir, 'base.pdf'), await base.save());
      const field = {
        name: 'Customer',
        type: 'text',
        page: 1,
        position: { x: 72, y: 100 },
        size: { width: 300, height: 24 },
        bindingKey: 'name',
      };
      await writeFile(path.join(dir, 't.json'), JSON.stringify({ fields: [field] }));
      await writeFile(path.join(dir, 'records.jsonl'), ['Zoë', 'Łukasz'].map((name) => JSON.stringify({ name })).join('\n'));
      const args = ['generate', '--template', 't.json', '--base', 'base.pdf', '--data', 'records.jsonl', '--out', 'out'];
      const { stdout } = await run(process.execPath, [cli, ...args], { cwd: dir, timeout: 120_000 });
      expect(stdout).toContain('2 PDF(s) written');
      const written = (await readdir(path.join(dir, 'out'))).sort();
      expect(written).toHaveLength(2);
      expect(await pageText(await readFile(path.join(dir, 'out', written[0]!)))).toContain('Zoë');
      expect(await pageText(await readFile(path.join(dir, 'out', written[1]!)))).toContain('Łukasz');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
