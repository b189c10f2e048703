// `npm start` runs the server as compiled JavaScript (dist/server), not through tsx: compiling
// every TypeScript module at each start and resolving it through tsx's loader cost ~2 s of a ~4 s
// warm start. This builds dist/server when it is missing or older than a source it is made of
// (a pull, an edit), so a checkout never runs stale code. Plain JavaScript: it runs before
// anything else of `npm start`, with no TypeScript loader.
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildReason } from './ensure-studio.mjs';

/** What the server bundle is made of: every source module, the alias config, the dependency tree and this build. */
export const SERVER_SOURCES = ['src', 'tsconfig.json', 'package.json', 'package-lock.json', 'scripts/ensure-server.mjs'];
export const SERVER_OUT = 'dist/server';
const ENTRY = 'cli.js';

/**
 * The entry points: the CLI (`serve` is one of its commands) and the modules worker threads run.
 * A worker finds its module as `<name>.js` beside the code that starts it (src/shared/threads/
 * worker-module.ts), which in the bundle is this folder.
 */
const ENTRIES = {
  cli: 'src/cli/index.ts',
  'batch-worker': 'src/pdf/batch-worker.ts',
  'pglite-worker': 'src/shared/database/prisma/pglite-worker.ts',
};

/**
 * Files the code reads relative to its own module (import.meta.url is the bundle, two folders
 * below the repository like src/<dir>/, so `../../web/dist` and `../../package.json` still hold).
 */
const COPY = [
  ['src/shared/database/prisma/migrations', 'migrations'],
  ['src/shared/database/prisma/schema.prisma', 'schema.prisma'],
];

/** Why the server must be built (`missing`, or the newest source that changed since), or null. */
export function serverBuildReason(root) {
  return buildReason(root, path.join(SERVER_OUT, ENTRY), SERVER_SOURCES);
}

/**
 * Bundles our own sources with esbuild (it comes with tsx, a dependency). Packages stay external and
 * load from node_modules as they are: no asset of theirs (WebAssembly, fonts, swagger-ui's static
 * files) moves. It is built in a folder of its own and moved into place whole, so an interrupted
 * build leaves the last good one (or none: then it is missing next time).
 */
export async function buildServer(root, outDir = path.join(root, SERVER_OUT)) {
  const { build } = await import('esbuild');
  const staging = `${outDir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const [from, to] of COPY) cpSync(path.join(root, from), path.join(staging, to), { recursive: true });
  const entryPoints = Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(root, file)]));
  await build({
    entryPoints,
    outdir: staging,
    bundle: true,
    splitting: true,
    // Chunks beside the entries: a module finds its files relative to itself, wherever esbuild puts it.
    chunkNames: '[name]-[hash]',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    tsconfig: path.join(root, 'tsconfig.json'),
    sourcemap: 'linked',
    keepNames: true,
    logLevel: 'warning',
  });
  if (!existsSync(path.join(staging, ENTRY))) throw new Error(`esbuild wrote no ${ENTRY}`);
  rmSync(outDir, { recursive: true, force: true });
  try {
    renameSync(staging, outDir);
  } catch (err) {
    // Another `npm start` built it at the same moment: theirs is as fresh as ours.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(path.join(outDir, ENTRY))) throw err;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const reason = serverBuildReason(root);
  if (reason) {
    const started = performance.now();
    try {
      await buildServer(root);
      console.log(
        `[pdf-studio] built the server into ${SERVER_OUT} (${reason === 'missing' ? 'first start' : reason}) in ${Math.round(performance.now() - started)} ms`,
      );
    } catch (err) {
      console.error(`[pdf-studio] the server could not be built: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    }
  }
}
