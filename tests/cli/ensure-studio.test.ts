import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { studioBuildReason } from '../../scripts/ensure-studio.mjs';

/** `npm start`'s prestart: the studio is rebuilt when missing or older than what it is built from. */
describe('scripts/ensure-studio.mjs', () => {
  let root: string;
  const at = (p: string, seconds: number) => utimes(path.join(root, p), seconds, seconds);
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ensure-studio-'));
    for (const dir of ['web/src/api', 'web/dist', 'web/node_modules', 'src/shared/domain', 'src/pdf', 'src/api']) {
      await mkdir(path.join(root, dir), { recursive: true });
    }
    for (const file of [
      'web/src/App.tsx',
      'web/src/api/types.ts',
      'src/shared/domain/field.ts',
      'src/pdf/index.ts',
      'src/api/app.ts',
      'package-lock.json',
    ]) {
      await writeFile(path.join(root, file), '');
      await at(file, 1_000);
    }
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('builds on a fresh clone, where web/dist holds no studio', () => {
    expect(studioBuildReason(root)).toBe('missing');
  });

  it('keeps a studio built after its sources, whatever else changed', async () => {
    await writeFile(path.join(root, 'web/dist/index.html'), '<html></html>');
    await at('web/dist/index.html', 2_000);
    await at('src/api/app.ts', 3_000); // the server alone: not part of the bundle
    await writeFile(path.join(root, 'web/node_modules/x.js'), '');
    await at('web/node_modules/x.js', 3_000);
    expect(studioBuildReason(root)).toBeNull();
  });

  it('rebuilds after a pull changed a studio source, a domain schema it imports, or the lockfile', async () => {
    await writeFile(path.join(root, 'web/dist/index.html'), '<html></html>');
    await at('web/dist/index.html', 2_000);
    await at('web/src/api/types.ts', 3_000);
    expect(studioBuildReason(root)).toBe('web changed since it was built');
    await at('web/src/api/types.ts', 1_000);
    await at('src/shared/domain/field.ts', 3_000);
    expect(studioBuildReason(root)).toBe('src/shared/domain changed since it was built');
    await at('src/shared/domain/field.ts', 1_000);
    await at('package-lock.json', 3_000);
    expect(studioBuildReason(root)).toBe('package-lock.json changed since it was built');
  });
});
