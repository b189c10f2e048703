import { createRequire } from 'node:module';
import path from 'node:path';
import type { FaceStyle, FontSource } from './registry.js';

/**
 * Fonts for scripts the Latin designs lack (issue 11): Noto Sans Arabic, Hebrew, Devanagari and
 * Thai (OFL, @fontsource, optional dependencies). Each family is only its own script's
 * unicode-range file (a few KB to 80 KB), so a character of another script never opens it, and
 * FontChain reads it only when a character reaches it. They come before DejaVu in the Liberation
 * chains because DejaVu Sans has its own Arabic and Hebrew of a different design and fewer forms.
 */
export const SCRIPT_FAMILIES = [
  { family: 'Noto Sans Arabic', pkg: '@fontsource/noto-sans-arabic', stem: 'noto-sans-arabic-arabic', aliases: ['Arabic'] },
  { family: 'Noto Sans Hebrew', pkg: '@fontsource/noto-sans-hebrew', stem: 'noto-sans-hebrew-hebrew', aliases: ['Hebrew'] },
  {
    family: 'Noto Sans Devanagari',
    pkg: '@fontsource/noto-sans-devanagari',
    stem: 'noto-sans-devanagari-devanagari',
    aliases: ['Devanagari', 'Hindi'],
  },
  { family: 'Noto Sans Thai', pkg: '@fontsource/noto-sans-thai', stem: 'noto-sans-thai-thai', aliases: ['Thai'] },
] as const;
export type ScriptFamily = (typeof SCRIPT_FAMILIES)[number]['family'];

const require_ = createRequire(import.meta.url);

/**
 * A script family's files (regular and bold; italics fall back to them), or undefined when its
 * optional package is not installed.
 */
export function optionalScriptFaces(
  family: ScriptFamily,
  resolve: (specifier: string) => string = (s) => require_.resolve(s),
): Partial<Record<FaceStyle, FontSource[]>> | undefined {
  const spec = SCRIPT_FAMILIES.find((f) => f.family === family)!;
  let dir: string;
  try {
    dir = path.join(path.dirname(resolve(`${spec.pkg}/package.json`)), 'files');
  } catch {
    return undefined;
  }
  return {
    regular: [path.join(dir, `${spec.stem}-400-normal.woff`)],
    bold: [path.join(dir, `${spec.stem}-700-normal.woff`)],
  };
}
