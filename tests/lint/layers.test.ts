import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The layer rules of eslint.config.js, run the way `npm run lint` runs them. */
const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });
const fixture = fileURLToPath(new URL('./fixtures/wrong-imports.ts', import.meta.url));

async function layerErrors(text: string, filePath: string) {
  const [result] = await eslint.lintText(text, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => ({ line: m.line, message: m.message }));
}

describe('layering lint rule', () => {
  it('refuses storage and services imports in src/pdf', async () => {
    const text = await readFile(fixture, 'utf8');
    const errors = await layerErrors(text, 'src/pdf/render/lint-fixture.ts');
    expect(errors.map((e) => e.line)).toEqual([4, 5, 6]);
    expect(errors[0].message).toMatch(/shared\/storage\/ is off limits here/);
    expect(errors[1].message).toMatch(/services\/ is off limits here/);
    expect(errors[2].message).toMatch(/api\/ is off limits here/);
  });

  it('refuses api imports in src/services (alias and relative), allows storage there', async () => {
    const text = await readFile(fixture, 'utf8');
    const errors = await layerErrors(text.replace('../../../src/api/app.js', '../../api/app.js'), 'src/services/files/lint-fixture.ts');
    expect(errors).toEqual([{ line: 6, message: expect.stringMatching(/api\/ is off limits here/) }]);
  });

  it('refuses api imports in src/workers', async () => {
    const errors = await layerErrors(
      "import { buildApp } from '@/api/app.js';\nexport const x = buildApp;\n",
      'src/workers/lint-fixture.ts',
    );
    expect(errors).toHaveLength(1);
  });

  it('the fixture itself, where it lives, passes lint', async () => {
    const [result] = await eslint.lintFiles([fixture]);
    expect(result.messages).toEqual([]);
  });

  it('the source tree has no layering errors', async () => {
    const results = await eslint.lintFiles(['src']);
    const errors = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(results.length).toBeGreaterThan(100);
    expect(errors).toEqual([]);
  });
});
