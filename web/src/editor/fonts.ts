import { useEffect, useState } from 'react';
import type { Api } from '../api/endpoints.js';
import type { FontFamily } from '../api/types.js';

/**
 * The font picker's choices. From GET /api/fonts when the server has it (the families the engine
 * embeds, plus the familiar aliases people look for); else the static list the studio always had,
 * so an older server or a failed call never leaves the picker empty.
 */

export interface FontOption {
  value: string;
  label: string;
}

/** Used when GET /api/fonts is missing (404) or fails: names the engine has always resolved. */
export const FALLBACK_FONTS = [
  'Arial',
  'Helvetica',
  'Times New Roman',
  'Courier New',
  'DejaVu Sans',
  'DejaVu Serif',
  'DejaVu Sans Mono',
] as const;

/** Aliases worth offering by name: what people expect to find in a font menu. */
export const COMMON_ALIASES = ['Arial', 'Helvetica', 'Times New Roman', 'Courier New'] as const;

export const FALLBACK_OPTIONS: FontOption[] = FALLBACK_FONTS.map((f) => ({ value: f, label: f }));

export function fontOptions(families: readonly FontFamily[]): FontOption[] {
  if (families.length === 0) return FALLBACK_OPTIONS;
  const aliases: FontOption[] = [];
  for (const alias of COMMON_ALIASES) {
    const fam = families.find((f) => f.aliases.some((a) => a.toLowerCase() === alias.toLowerCase()));
    if (fam) aliases.push({ value: alias, label: `${alias} (${fam.name})` });
  }
  const names = families.map((f) => ({ value: f.name, label: f.styles.includes('bold') ? f.name : `${f.name} (no bold)` }));
  return [...aliases, ...names];
}

/** The options for a field, keeping its current font selectable even if the list lacks it. */
export function withCurrent(options: readonly FontOption[], current: string): FontOption[] {
  // Exact match: a <select> shows only an exact value; the engine resolves the name case-insensitively.
  return options.some((o) => o.value === current) ? [...options] : [{ value: current, label: current }, ...options];
}

const cache = new WeakMap<object, Promise<FontOption[]>>();

/** One request per API client and session; any failure (404 on an older server included) falls back. */
export function loadFontOptions(api: Pick<Api, 'listFonts'>): Promise<FontOption[]> {
  let p = cache.get(api);
  if (!p) {
    p = api.listFonts().then(
      (r) => fontOptions(Array.isArray(r?.families) ? r.families : []),
      () => FALLBACK_OPTIONS,
    );
    cache.set(api, p);
  }
  return p;
}

export function useFontOptions(api: Pick<Api, 'listFonts'>): FontOption[] {
  const [options, setOptions] = useState<FontOption[]>(FALLBACK_OPTIONS);
  useEffect(() => {
    let alive = true;
    void loadFontOptions(api).then((o) => alive && setOptions(o));
    return () => {
      alive = false;
    };
  }, [api]);
  return options;
}
