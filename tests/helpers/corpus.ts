import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the shared real-world PDF corpus lives: `../shared/corpus` relative to the repository root
 * (CI and the shared workstation have it there; a fresh clone may not). PDF_CORPUS_DIR overrides.
 * Suites over the corpus must not fail when it is absent: they register a visible skipped test that
 * says why (see `corpusSkipReason`).
 */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS_DIR = path.resolve(process.env.PDF_CORPUS_DIR ?? path.join(REPO_ROOT, '..', 'shared', 'corpus'));

export interface CorpusLocation {
  /** Absolute directory, or undefined when it is missing. */
  dir: string | undefined;
  /** Why there is nothing to test (for the skipped test's title), when `dir` is undefined or empty. */
  skipReason: string | undefined;
}

/** Resolves a sub-folder of the corpus (e.g. 'pdf-lib'). */
export function corpusDir(sub: string): CorpusLocation {
  const dir = path.join(CORPUS_DIR, sub);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    return {
      dir: undefined,
      skipReason: `corpus folder ${dir} is absent (tests expect ../shared/corpus next to the repo; set PDF_CORPUS_DIR to override)`,
    };
  }
  if (listPdfs(dir).length === 0) return { dir: undefined, skipReason: `corpus folder ${dir} holds no .pdf files` };
  return { dir, skipReason: undefined };
}

/** The .pdf files of a folder, sorted, as absolute paths. */
export function listPdfs(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.pdf'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Reads one corpus file by name; throws a clear error when the corpus or the file is missing. */
export function readCorpusFile(sub: string, name: string): Uint8Array {
  const loc = corpusDir(sub);
  if (!loc.dir) throw new Error(loc.skipReason);
  return new Uint8Array(fs.readFileSync(path.join(loc.dir, name)));
}
