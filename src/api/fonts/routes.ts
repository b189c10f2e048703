import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { defaultFontRegistry, type FontRegistry } from '@/pdf/fonts/registry.js';
import { problems } from '../schemas/problems.js';

const tags = ['fonts'];

export const fontFamilySchema = z.object({
  name: z.string(),
  aliases: z.array(z.string()),
  /** Styles with their own font files; the others are drawn with the nearest one (italic → regular). */
  styles: z.array(z.enum(['regular', 'bold', 'italic', 'boldItalic'])),
});
export const fontListSchema = z.object({ families: z.array(fontFamilySchema) }).describe('The font families fields may use');
export type FontList = z.infer<typeof fontListSchema>;

/** GET /api/fonts: the font families a field's fontFamily may name (the studio's font picker). */
export const fontRoutes: FastifyPluginAsyncZod<{ fonts?: FontRegistry }> = async (app, opts) => {
  // Described once: the registry is fixed for the process and describing it reads no font file.
  let list: FontList | undefined;
  app.get(
    '/api/fonts',
    {
      schema: {
        operationId: 'listFonts',
        description: "The font families a field's style.fontFamily may name (a family or one of its aliases), with the styles each has.",
        tags,
        summary:
          'Font families available to fields (with aliases and styles); Noto Sans JP, SC, KR, Arabic, Hebrew, Devanagari, Thai and Noto Emoji appear when their optional packages are installed',
        response: { 200: fontListSchema, ...problems() },
      },
    },
    async () => (list ??= { families: (opts.fonts ?? defaultFontRegistry()).describe() }),
  );
};
