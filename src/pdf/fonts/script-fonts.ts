import { createRequire } from 'node:module';
import path from 'node:path';
import type { FaceStyle, FontSource } from './registry.js';

/**
 * Fonts for scripts the Latin designs lack (issue 11): Noto Sans Arabic, Hebrew, Devanagari and
 * Thai (OFL, @fontsource, optional dependencies). Each family is only its own script's
 * unicode-range file (a few KB to 80 KB), so a character of another script never opens it, and
 * FontChain reads it only when a character reaches it. They come before DejaVu in the Liberation
 * chains because DejaVu Sans has its own Arabic and Hebrew of a different design and fewer forms.
 * `script` matches the characters each family is for (preflight names the package when it is absent).
 */
export const SCRIPT_FAMILIES = [
  {
    family: 'Noto Sans Arabic',
    pkg: '@fontsource/noto-sans-arabic',
    stem: 'noto-sans-arabic-arabic',
    aliases: ['Arabic'],
    script: 'Arabic',
    chars: /\p{Script=Arabic}/u,
  },
  {
    family: 'Noto Sans Hebrew',
    pkg: '@fontsource/noto-sans-hebrew',
    stem: 'noto-sans-hebrew-hebrew',
    aliases: ['Hebrew'],
    script: 'Hebrew',
    chars: /\p{Script=Hebrew}/u,
  },
  {
    family: 'Noto Sans Devanagari',
    pkg: '@fontsource/noto-sans-devanagari',
    stem: 'noto-sans-devanagari-devanagari',
    aliases: ['Devanagari', 'Hindi'],
    script: 'Devanagari',
    chars: /\p{Script=Devanagari}/u,
  },
  {
    family: 'Noto Sans Thai',
    pkg: '@fontsource/noto-sans-thai',
    stem: 'noto-sans-thai-thai',
    aliases: ['Thai'],
    script: 'Thai',
    chars: /\p{Script=Thai}/u,
  },
] as const;

/**
 * Noto Emoji (OFL, @fontsource/noto-emoji, optional): the monochrome emoji design, whose outlines
 * a PDF can embed as a TrueType subset like any text (colour emoji fonts are bitmaps or COLR layers
 * that PDF viewers do not draw as text). One file holds every glyph and the GSUB ligatures of ZWJ
 * sequences, flags, keycaps and skin tones (the split unicode-range files would break sequences
 * across files). It ends the chains after DejaVu (whose own few emoticons and dingbats keep their
 * look in existing documents); an emoji sequence itself prefers it (see FontChain.pickEmoji).
 */
export const EMOJI_FAMILY = {
  family: 'Noto Emoji',
  pkg: '@fontsource/noto-emoji',
  stem: 'noto-emoji-emoji',
  aliases: ['Emoji'],
  script: 'Emoji',
  chars: /[\u{1f000}-\u{1faff}\u{e0020}-\u{e007f}]|\ufe0f|\u20e3/u,
} as const;

export type ScriptFamily = (typeof SCRIPT_FAMILIES)[number]['family'] | typeof EMOJI_FAMILY.family;

const require_ = createRequire(import.meta.url);

/**
 * A script family's files (regular and bold; italics fall back to them), or undefined when its
 * optional package is not installed.
 */
export function optionalScriptFaces(
  family: ScriptFamily,
  resolve: (specifier: string) => string = (s) => require_.resolve(s),
): Partial<Record<FaceStyle, FontSource[]>> | undefined {
  const spec = [...SCRIPT_FAMILIES, EMOJI_FAMILY].find((f) => f.family === family)!;
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
