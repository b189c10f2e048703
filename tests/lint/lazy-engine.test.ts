import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * Which heavy packages a module loads just by being imported: the static import graph (dynamic
 * `import()` does not count), as esbuild bundles it for dist/server. The API's thread of a server
 * with engine threads never renders, so the engine's stack must stay off its static graph; an engine
 * thread loads the signing, XML and barcode stacks only for the first document that needs them.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const HEAVY = ['@cantoo/pdf-lib', 'pdf-lib', 'bwip-js', 'harfbuzzjs', 'libxml2-wasm', 'node-forge', 'pkijs', 'asn1js', '@signpdf/signpdf'];

/** Every heavy package reached from `entry` by static imports, each with the chain of modules that reaches it. */
async function staticHeavyImports(entry: string): Promise<Map<string, string[]>> {
  const { metafile } = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    write: false,
    splitting: true,
    outdir: 'out',
    platform: 'node',
    format: 'esm',
    packages: 'external',
    tsconfig: 'tsconfig.json',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs: Metafile['inputs'] = metafile.inputs;
  const parent = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  const found = new Map<string, string[]>();
  while (queue.length) {
    const file = queue.shift()!;
    for (const imp of inputs[file]?.imports ?? []) {
      if (imp.kind === 'dynamic-import') continue;
      if (imp.external) {
        const pkg = HEAVY.find((p) => imp.path === p || imp.path.startsWith(`${p}/`));
        if (pkg && !found.has(pkg)) {
          const chain = [file];
          for (let up = parent.get(file); up; up = parent.get(up)) chain.unshift(up);
          found.set(pkg, chain);
        }
      } else if (!parent.has(imp.path)) {
        parent.set(imp.path, file);
        queue.push(imp.path);
      }
    }
  }
  return found;
}

describe('the engine loads where it runs', () => {
  it("the server's own thread imports none of the engine's packages", async () => {
    const found = await staticHeavyImports('src/runtime/server.ts');
    expect(Object.fromEntries(found)).toEqual({});
  });

  it('an engine thread loads the signing, Factur-X and barcode stacks only when a document needs them', async () => {
    const found = await staticHeavyImports('src/pdf/batch-worker.ts');
    expect(found.has('@cantoo/pdf-lib')).toBe(true); // the engine itself: the check can see packages
    for (const pkg of ['libxml2-wasm', 'node-forge', 'pkijs', 'asn1js', '@signpdf/signpdf', 'bwip-js'])
      expect(found.get(pkg), `${pkg} is imported statically by ${found.get(pkg)?.join(' -> ')}`).toBeUndefined();
  });
});
