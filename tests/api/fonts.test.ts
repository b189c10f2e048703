import { expect, it } from 'vitest';
import { optionalCjkFaces } from '@/pdf/fonts/registry.js';
import { EMOJI_FAMILY, optionalScriptFaces, SCRIPT_FAMILIES } from '@/pdf/fonts/script-fonts.js';
import { forEachApi, registerUser } from '../helpers/api.js';

forEachApi('fonts API', (api) => {
  it('GET /api/fonts needs a user and lists families with aliases and styles', async () => {
    const anon = await api().app.inject({ method: 'GET', url: '/api/fonts' });
    expect(anon.statusCode).toBe(401);

    const user = await registerUser(api().app, 'fonts');
    const res = await api().app.inject({ method: 'GET', url: '/api/fonts', headers: user.headers });
    expect(res.statusCode, res.body).toBe(200);
    const { families } = res.json() as { families: { name: string; aliases: string[]; styles: string[] }[] };
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get('Liberation Sans')).toEqual({
      name: 'Liberation Sans',
      aliases: expect.arrayContaining(['Arial', 'Helvetica']),
      styles: ['regular', 'bold', 'italic', 'boldItalic'],
    });
    expect(byName.get('Liberation Serif')?.aliases).toContain('Times New Roman');
    expect(byName.get('DejaVu Sans')?.styles).toEqual(['regular', 'bold', 'italic', 'boldItalic']);
    // The optional CJK family is listed exactly when its package is installed.
    if (optionalCjkFaces('Noto Sans JP'))
      expect(byName.get('Noto Sans JP')).toEqual({
        name: 'Noto Sans JP',
        aliases: expect.arrayContaining(['Noto Sans CJK JP', 'CJK']),
        styles: ['regular', 'bold'],
      });
    else expect(byName.has('Noto Sans JP')).toBe(false);
    // So are the script families (Arabic, Hebrew, Devanagari, Thai) and Noto Emoji.
    for (const { family } of [...SCRIPT_FAMILIES, EMOJI_FAMILY])
      if (optionalScriptFaces(family)) expect(byName.get(family)?.styles, family).toEqual(['regular', 'bold']);
      else expect(byName.has(family)).toBe(false);
    if (optionalScriptFaces(EMOJI_FAMILY.family)) expect(byName.get('Noto Emoji')?.aliases).toEqual(['Emoji']);
    // Every alias names one family only.
    const aliases = families.flatMap((f) => f.aliases);
    expect(new Set(aliases).size).toBe(aliases.length);
  });
});
