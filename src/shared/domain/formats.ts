import { z } from 'zod';

/** Value formats and colours shared by fields and table columns (one definition for both). */

export const colorSchema = z.string().regex(/^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|transparent)$/, 'a #rrggbb colour or "transparent"');

/** How a number prints: locale, fixed decimals, an ISO 4217 currency. */
export const numberFormatSchema = z.object({
  locale: z.string().default('en-US'),
  decimals: z.number().int().min(0).max(10).optional(),
  currency: z.string().length(3).optional(),
});

/** How a date prints: pattern in Unicode tokens (yyyy, MM, dd, HH, mm, ss, MMM, MMMM, EEE), timezone an IANA zone. */
export const dateFormatSchema = z.object({
  pattern: z.string().max(64).default('yyyy-MM-dd'),
  timezone: z.string().default('UTC'),
  locale: z.string().default('en-US'),
});
