import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const srcRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bundled = new Map<string, Promise<string | undefined>>();

/**
 * The file a worker thread runs for the module `<dir>/<name>`. Built JavaScript: the `.js` beside
 * it. From TypeScript sources (tsx, vitest) a worker thread does not inherit the parent's loader:
 * the module is bundled once per process with esbuild (a dev dependency; packages stay external)
 * into node_modules/.cache, which starts in milliseconds, where tsx's loader in every worker took
 * seconds under load. `fallback` (a shim registering tsx) is used when esbuild is unavailable.
 */
export function workerModule(dir: string, name: string, fallback?: string): Promise<string | undefined> {
  const js = path.join(dir, `${name}.js`);
  if (existsSync(js)) return Promise.resolve(js);
  const ts = path.join(dir, `${name}.ts`);
  if (!existsSync(ts)) return Promise.resolve(undefined);
  let made = bundled.get(ts);
  if (!made) {
    made = (async () => {
      try {
        const { build } = await import('esbuild');
        const outfile = path.join(srcRoot, '../node_modules/.cache/pdf-studio', `${name}-${process.pid}.mjs`);
        await build({
          entryPoints: [ts],
          outfile,
          bundle: true,
          platform: 'node',
          format: 'esm',
          packages: 'external',
          logLevel: 'silent',
          alias: { '@': srcRoot },
        });
        process.once('exit', () => rmSync(outfile, { force: true }));
        return outfile;
      } catch {
        return fallback;
      }
    })();
    bundled.set(ts, made);
  }
  return made;
}
