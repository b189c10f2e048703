import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PdfError } from '../errors.js';
import { EMOJI_FAMILY, optionalScriptFaces, SCRIPT_FAMILIES } from './script-fonts.js';
import { TrueTypeSlices } from './truetype-subset.js';
import { woffToSfnt } from './woff.js';

/**
 * Bundled fonts and the per-field fallback chain. All fonts come from npm packages (open licences):
 * Arimo / Tinos / Cousine (@fontsource, OFL) are the metric-compatible designs also shipped as
 * Liberation Sans / Serif / Mono (same widths as Arial / Times New Roman / Courier New); DejaVu
 * (dejavu-fonts-ttf) is the wide-coverage fallback (Latin Extended, Greek, Cyrillic and more).
 * Fontsource splits each face into unicode-range files; a face is therefore a list of files and a
 * character is drawn with the first file (then fallback family) that has its glyph.
 * CJK comes from optional dependencies (OFL, @expo-google-fonts): Noto Sans JP (kana, kanji),
 * Noto Sans SC (simplified Chinese: 这, 们, 说… that JP lacks) and Noto Sans KR (Hangul). Those
 * installed end every chain in that order, and each is read only when a character needs it
 * (FontChain loads files lazily, in order). Han characters shared by several regions take the first
 * one's glyph shapes; a field that wants one region's forms names that family.
 * The script families (Noto Sans Arabic, Hebrew, Devanagari, Thai) and Noto Emoji are in script-fonts.ts.
 */

export type FaceStyle = 'regular' | 'bold' | 'italic' | 'boldItalic';
export type FontSource = string | Uint8Array;

// fontkit's types are loose; this is the part we use.
export interface FkGlyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
}
export interface FkFont {
  unitsPerEm: number;
  ascent: number;
  descent: number;
  postscriptName: string | null;
  italicAngle: number;
  capHeight: number;
  xHeight: number;
  bbox: { minX: number; minY: number; maxX: number; maxY: number };
  hasGlyphForCodePoint(cp: number): boolean;
  glyphForCodePoint(cp: number): FkGlyph;
  getGlyph(gid: number): FkGlyph;
  createSubset(): { includeGlyph(g: FkGlyph | number): number; encodeStream(): NodeJS.EventEmitter };
  ['OS/2']?: { fsSelection?: { italic?: boolean } };
  cff?: unknown;
}

/** One loaded font file with cached metrics (advances in 1/1000 em). */
export class FontFace {
  private readonly advances = new Map<number, number>();
  readonly scale: number;
  private slicesCache: TrueTypeSlices | null | undefined;
  constructor(
    readonly id: string,
    readonly font: FkFont,
    readonly bytes: Uint8Array,
  ) {
    this.scale = 1000 / font.unitsPerEm;
  }
  /** The face maps the code point to a readable glyph (fontsource's split files map U+00A0 to a truncated one). */
  has(cp: number): boolean {
    if (this.advances.has(cp)) return true;
    if (!this.font.hasGlyphForCodePoint(cp)) return false;
    try {
      this.advances.set(cp, this.font.glyphForCodePoint(cp).advanceWidth * this.scale);
      return true;
    } catch {
      return false;
    }
  }
  /** Advance width of a code point in 1/1000 em. */
  advance(cp: number): number {
    let a = this.advances.get(cp);
    if (a === undefined) {
      a = this.font.glyphForCodePoint(cp).advanceWidth * this.scale;
      this.advances.set(cp, a);
    }
    return a;
  }
  /** Advance width of a glyph id in 1/1000 em (shaped text: HarfBuzz's advance is compared with it). */
  glyphAdvance(gid: number): number {
    return this.font.getGlyph(gid).advanceWidth * this.scale;
  }
  /** Cached TrueType slices for subsetting (undefined for CFF / variable fonts); built on first use. */
  get slices(): TrueTypeSlices | undefined {
    if (this.slicesCache === undefined) this.slicesCache = TrueTypeSlices.from(this.bytes) ?? null;
    return this.slicesCache ?? undefined;
  }
  get ascent(): number {
    return this.font.ascent * this.scale;
  }
  get descent(): number {
    return this.font.descent * this.scale;
  }
}

const faceCache = new Map<string, FontFace>();
let anonymous = 0;

function loadFace(src: FontSource): FontFace {
  const key = typeof src === 'string' ? src : `mem:${++anonymous}`;
  let face = faceCache.get(key);
  if (!face) {
    const bytes = woffToSfnt(typeof src === 'string' ? new Uint8Array(readFileSync(src)) : src);
    face = new FontFace(key, fontkit.create(bytes) as unknown as FkFont, bytes);
    if (typeof src === 'string') faceCache.set(key, face);
  }
  return face;
}

/** An ordered list of font files; lazily loaded, so a CJK face costs nothing until needed. */
export class FontChain {
  private loaded: (FontFace | undefined)[];
  /** `emoji`: indices of the sources that are emoji designs (see pickEmoji) */
  constructor(
    private readonly sources: FontSource[],
    private readonly emoji: readonly number[] = [],
  ) {
    this.loaded = new Array(sources.length);
  }
  private face(i: number): FontFace {
    return (this.loaded[i] ??= loadFace(this.sources[i]));
  }
  /** The first face that has the code point, or undefined. */
  pick(cp: number): FontFace | undefined {
    for (let i = 0; i < this.sources.length; i++) {
      const f = this.face(i);
      if (f.has(cp)) return f;
    }
    return undefined;
  }
  /**
   * The first emoji face that has every code point of an emoji sequence (so its ligature, flag or
   * skin tone is one glyph), ahead of earlier text faces that have some of them (DejaVu's ☺, a
   * Latin font's digit of a keycap). Opens no other file of the chain.
   */
  pickEmoji(cps: readonly number[]): FontFace | undefined {
    for (const i of this.emoji) {
      const f = this.face(i);
      if (cps.every((cp) => f.has(cp))) return f;
    }
    return undefined;
  }
  /** The first face for which `test` holds, loading files only as far as needed. */
  find(test: (face: FontFace) => boolean): FontFace | undefined {
    for (let i = 0; i < this.sources.length; i++) {
      const f = this.face(i);
      if (test(f)) return f;
    }
    return undefined;
  }
  /** The file sources this chain has opened so far (a measurement hook: what a document cost). */
  loadedSources(): string[] {
    return this.sources.filter((s, i) => this.loaded[i] !== undefined && typeof s === 'string') as string[];
  }
  /** Every face of the chain, in order (loads them all). */
  all(): FontFace[] {
    return this.sources.map((_, i) => this.face(i));
  }
  /** The face whose vertical metrics place the text (the family's first file). */
  primary(): FontFace {
    return this.face(0);
  }
}

interface Family {
  name: string;
  faces: Partial<Record<FaceStyle, FontSource[]>>;
  fallback: string[];
  emoji?: boolean;
}

/** An optional font package this installation lacks, and the characters it would draw (preflight's warning). */
export interface MissingFontPackage {
  family: string;
  pkg: string;
  script: string;
  chars: RegExp;
  /**
   * The package is worth a warning only when nothing else draws the character (a CJK family whose
   * neighbours cover shared Han characters); false: any character of the script (the fallback
   * design, e.g. DejaVu's Arabic, has fewer forms).
   */
  onlyWhenUndrawn: boolean;
}

/** A family as the API lists it: display name, alias names, styles with their own files. */
export interface FamilyDescription {
  name: string;
  aliases: string[];
  styles: FaceStyle[];
}
const STYLES: FaceStyle[] = ['regular', 'bold', 'italic', 'boldItalic'];

const norm = (name: string): string => name.trim().toLowerCase().replace(/["']/g, '').replace(/\s+/g, ' ');

export class FontRegistry {
  private readonly families = new Map<string, Family>();
  private readonly aliases = new Map<string, string>();
  /** normalised alias → the name as registered, for describe() */
  private readonly aliasNames = new Map<string, string>();
  private readonly chains = new Map<string, FontChain>();
  private readonly missing: MissingFontPackage[] = [];

  /** Registers (or replaces) a family; `fallback` names families tried after it, in order. */
  register(family: string, faces: Partial<Record<FaceStyle, FontSource[]>>, fallback: string[] = [], opts: { emoji?: boolean } = {}): this {
    this.families.set(norm(family), { name: family, faces, fallback, emoji: opts.emoji });
    this.chains.clear();
    return this;
  }

  /** Records an optional font package that is not installed (see missingPackages). */
  noteMissing(m: MissingFontPackage): this {
    this.missing.push(m);
    return this;
  }

  /** The optional font packages this installation lacks. */
  missingPackages(): readonly MissingFontPackage[] {
    return this.missing;
  }

  alias(name: string, family: string): this {
    this.aliases.set(norm(name), norm(family));
    this.aliasNames.set(norm(name), name);
    this.chains.clear();
    return this;
  }

  names(): string[] {
    return [...this.families.keys(), ...this.aliases.keys()];
  }

  /** The registered families with their aliases and the styles that have their own files (no font file is read). */
  describe(): FamilyDescription[] {
    return [...this.families.entries()].map(([key, fam]) => ({
      name: fam.name,
      aliases: [...this.aliases.entries()].filter(([, target]) => target === key).map(([a]) => this.aliasNames.get(a) ?? a),
      styles: STYLES.filter((st) => (fam.faces[st]?.length ?? 0) > 0),
    }));
  }

  has(family: string): boolean {
    const n = norm(family);
    return this.families.has(this.aliases.get(n) ?? n);
  }

  /** The fallback chain for a field's font; unknown family → PdfError 'font_unknown'. */
  chain(family: string, bold: boolean, italic: boolean): FontChain {
    const style: FaceStyle = bold && italic ? 'boldItalic' : bold ? 'bold' : italic ? 'italic' : 'regular';
    const key = `${norm(family)}|${style}`;
    let chain = this.chains.get(key);
    if (chain) return chain;
    const n = norm(family);
    const root = this.aliases.get(n) ?? n;
    if (!this.families.has(root)) {
      throw new PdfError('font_unknown', `Unknown font family "${family}"; available: ${this.names().join(', ')}`, { family });
    }
    const sources: FontSource[] = [];
    const emoji: number[] = [];
    const seen = new Set<string>();
    const visit = (name: string): void => {
      if (seen.has(name)) return;
      seen.add(name);
      const fam = this.families.get(name);
      if (!fam) return;
      // A missing style falls back to the nearest one (bold italic → bold → regular).
      const files =
        fam.faces[style] ?? (style === 'boldItalic' ? (fam.faces.bold ?? fam.faces.italic) : undefined) ?? fam.faces.regular ?? [];
      for (const file of files) {
        if (fam.emoji) emoji.push(sources.length);
        sources.push(file);
      }
      for (const f of fam.fallback) visit(this.aliases.get(norm(f)) ?? norm(f));
    };
    visit(root);
    chain = new FontChain(sources, emoji);
    this.chains.set(key, chain);
    return chain;
  }
}

const require_ = createRequire(import.meta.url);
const pkgDir = (pkg: string): string => path.dirname(require_.resolve(`${pkg}/package.json`));

// Order matters: the latin file first (most text), then the others of the same design.
const FONTSOURCE_RANGES = ['latin', 'latin-ext', 'vietnamese', 'greek', 'greek-ext', 'cyrillic', 'cyrillic-ext', 'hebrew'];

function fontsourceFamily(pkg: string, stem: string): Partial<Record<FaceStyle, FontSource[]>> {
  const dir = path.join(pkgDir(pkg), 'files');
  const files = (weight: number, slant: 'normal' | 'italic'): string[] =>
    FONTSOURCE_RANGES.map((r) => path.join(dir, `${stem}-${r}-${weight}-${slant}.woff`));
  return { regular: files(400, 'normal'), bold: files(700, 'normal'), italic: files(400, 'italic'), boldItalic: files(700, 'italic') };
}

function dejavu(stem: string, italicSuffix: 'Oblique' | 'Italic'): Partial<Record<FaceStyle, FontSource[]>> {
  const dir = path.join(pkgDir('dejavu-fonts-ttf'), 'ttf');
  const f = (suffix: string): string[] => [path.join(dir, `${stem}${suffix}.ttf`)];
  return { regular: f(''), bold: f('-Bold'), italic: f(`-${italicSuffix}`), boldItalic: f(`-Bold${italicSuffix}`) };
}

/** The optional CJK families, in fallback order, with the names a field may use for each and the characters each is for. */
export const CJK_FAMILIES = [
  {
    family: 'Noto Sans JP',
    pkg: '@expo-google-fonts/noto-sans-jp',
    stem: 'NotoSansJP',
    aliases: ['Noto Sans CJK JP', 'Noto Sans CJK', 'CJK', 'Source Han Sans', 'Japanese'],
    script: 'Japanese',
    chars: /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u,
  },
  {
    family: 'Noto Sans SC',
    pkg: '@expo-google-fonts/noto-sans-sc',
    stem: 'NotoSansSC',
    aliases: ['Noto Sans CJK SC', 'Source Han Sans SC', 'Chinese', 'Simplified Chinese'],
    script: 'Chinese',
    chars: /\p{Script=Han}/u,
  },
  {
    family: 'Noto Sans KR',
    pkg: '@expo-google-fonts/noto-sans-kr',
    stem: 'NotoSansKR',
    aliases: ['Noto Sans CJK KR', 'Source Han Sans KR', 'Korean'],
    script: 'Korean',
    chars: /\p{Script=Hangul}/u,
  },
] as const;
export type CjkFamily = (typeof CJK_FAMILIES)[number]['family'];

/**
 * A CJK family's static TrueType (glyf) files, or undefined when its optional package is not
 * installed. Regular and bold only: italic styles fall back to them in FontRegistry.chain.
 */
export function optionalCjkFaces(
  family: CjkFamily,
  resolve: (specifier: string) => string = (s) => require_.resolve(s),
): Partial<Record<FaceStyle, FontSource[]>> | undefined {
  const spec = CJK_FAMILIES.find((f) => f.family === family)!;
  let dir: string;
  try {
    dir = path.dirname(resolve(`${spec.pkg}/package.json`));
  } catch {
    return undefined;
  }
  return {
    regular: [path.join(dir, '400Regular', `${spec.stem}_400Regular.ttf`)],
    bold: [path.join(dir, '700Bold', `${spec.stem}_700Bold.ttf`)],
  };
}

export interface DefaultFontOptions {
  /** Module resolution for the optional font packages (tests pass one that fails, to simulate absence). */
  resolveOptional?: (specifier: string) => string;
}

/** The registry of bundled fonts with the usual aliases. */
export function createDefaultFontRegistry(opts: DefaultFontOptions = {}): FontRegistry {
  const r = new FontRegistry();
  const cjk = CJK_FAMILIES.map((spec) => ({ ...spec, faces: optionalCjkFaces(spec.family, opts.resolveOptional) })).filter((c) => c.faces);
  const cjkNames = cjk.map((c) => c.family);
  const scripts = SCRIPT_FAMILIES.map((spec) => ({ ...spec, faces: optionalScriptFaces(spec.family, opts.resolveOptional) })).filter(
    (c) => c.faces,
  );
  const scriptNames = scripts.map((c) => c.family);
  const emojiFaces = optionalScriptFaces(EMOJI_FAMILY.family, opts.resolveOptional);
  const emojiNames = emojiFaces ? [EMOJI_FAMILY.family] : [];
  // DejaVu Sans ends every other family's chain, so the CJK faces after it end them all; each CJK
  // family falls back to the Latin/Greek/Cyrillic face, then to the other CJK families.
  // The script families (Arabic, Hebrew, Devanagari, Thai) come right after the Latin designs,
  // before DejaVu (see script-fonts.ts); each falls back to Liberation Sans for Latin and digits.
  r.register('DejaVu Sans', dejavu('DejaVuSans', 'Oblique'), [...scriptNames, ...emojiNames, ...cjkNames]);
  if (emojiFaces) r.register(EMOJI_FAMILY.family, emojiFaces, ['DejaVu Sans'], { emoji: true });
  for (const c of cjk) r.register(c.family, c.faces!, ['DejaVu Sans', ...cjkNames.filter((n) => n !== c.family)]);
  for (const c of scripts) r.register(c.family, c.faces!, ['Liberation Sans', ...scriptNames.filter((n) => n !== c.family)]);
  r.register('DejaVu Serif', dejavu('DejaVuSerif', 'Italic'), [...scriptNames, 'DejaVu Sans']);
  r.register('DejaVu Sans Mono', dejavu('DejaVuSansMono', 'Oblique'), [...scriptNames, 'DejaVu Sans']);
  r.register('Liberation Sans', fontsourceFamily('@fontsource/arimo', 'arimo'), [...scriptNames, 'DejaVu Sans']);
  r.register('Liberation Serif', fontsourceFamily('@fontsource/tinos', 'tinos'), [...scriptNames, 'DejaVu Serif']);
  r.register('Liberation Mono', fontsourceFamily('@fontsource/cousine', 'cousine'), [...scriptNames, 'DejaVu Sans Mono']);
  for (const a of ['Arial', 'Helvetica', 'Helvetica Neue', 'Arimo', 'sans-serif', 'Calibri', 'Verdana', 'Roboto', 'Inter'])
    r.alias(a, 'Liberation Sans');
  for (const a of ['Times New Roman', 'Times', 'Tinos', 'serif', 'Georgia', 'Cambria']) r.alias(a, 'Liberation Serif');
  for (const a of ['Courier New', 'Courier', 'Cousine', 'monospace']) r.alias(a, 'Liberation Mono');
  r.alias('DejaVu', 'DejaVu Sans');
  for (const c of cjk) for (const a of c.aliases) r.alias(a, c.family);
  for (const c of scripts) for (const a of c.aliases) r.alias(a, c.family);
  if (emojiFaces) for (const a of EMOJI_FAMILY.aliases) r.alias(a, EMOJI_FAMILY.family);
  const installed = new Set<string>([...scriptNames, ...emojiNames]);
  for (const s of [...SCRIPT_FAMILIES, EMOJI_FAMILY])
    if (!installed.has(s.family)) r.noteMissing({ family: s.family, pkg: s.pkg, script: s.script, chars: s.chars, onlyWhenUndrawn: false });
  for (const c of CJK_FAMILIES)
    if (!cjkNames.includes(c.family))
      r.noteMissing({ family: c.family, pkg: c.pkg, script: c.script, chars: c.chars, onlyWhenUndrawn: true });
  return r;
}

let defaultRegistry: FontRegistry | undefined;
export function defaultFontRegistry(): FontRegistry {
  return (defaultRegistry ??= createDefaultFontRegistry());
}
