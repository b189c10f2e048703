// `npm start` serves the studio from web/dist, which is not committed: build it when it is missing,
// or when a source it is built from changed after it (a pull, an edit). Plain JavaScript: it runs
// before anything else of `npm start`, with no TypeScript loader.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What the studio's bundle is made of: its own sources and the server modules it imports by the
 * `@/` alias (the domain schemas, the engine's expression and group-layout code), and the lockfile
 * for its dependencies.
 */
export const STUDIO_SOURCES = ['web', 'src/shared/domain', 'src/pdf', 'package-lock.json'];
const SKIP = new Set(['dist', 'node_modules']);

/** The newest modification time under `p` (a file or a folder, skipping build output and packages). */
function newestMtime(p) {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(p)) {
    if (SKIP.has(entry)) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/**
 * Why `output` (a file, relative to `root`) must be built from `sources`: `missing`, or the first
 * source with a change newer than it; null when it is up to date. Shared with ensure-server.mjs.
 */
export function buildReason(root, output, sources) {
  let built;
  try {
    built = statSync(path.join(root, output)).mtimeMs;
  } catch {
    return 'missing';
  }
  for (const source of sources) {
    if (newestMtime(path.join(root, source)) > built) return `${source} changed since it was built`;
  }
  return null;
}

/** Why the studio must be built (`missing`, or the newest source that changed since), or null. */
export function studioBuildReason(root) {
  return buildReason(root, 'web/dist/index.html', STUDIO_SOURCES);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const reason = studioBuildReason(root);
  if (reason) {
    console.log(`[pdf-studio] building the studio (${reason === 'missing' ? 'first start' : reason})…`);
    const run = spawnSync('npm', ['run', 'build:web'], { stdio: 'inherit', cwd: root });
    if (run.status !== 0) {
      console.error('[pdf-studio] the studio could not be built; the API still starts (run `npm run build:web` to see why)');
    }
  }
}
