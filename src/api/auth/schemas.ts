import { z } from 'zod';
import { boundedJsonObject, NO_NUL_MESSAGE, noNul } from '@/shared/validation/json-bounds.js';
import { isoDate, isoDateNullable } from '../schemas/common.js';

export const profileSchema = z.object({
  company: z.string().nullable(),
  timezone: z.string().nullable(),
  language: z.string().nullable(),
  preferences: z.unknown(),
});

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(['user', 'admin']),
  createdAt: isoDate,
  profile: profileSchema.nullable().optional(),
});

export const profileInput = z.object({
  company: z.string().max(200).refine(noNul, NO_NUL_MESSAGE).nullish(),
  timezone: z.string().max(64).refine(isTimeZone, 'an IANA time zone such as Europe/Paris').nullish(),
  language: z
    .string()
    .max(16)
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en or pt-BR')
    .nullish(),
  preferences: boundedJsonObject().optional(),
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const registerBody = z.object({
  email: z.string().email().max(254),
  password: z.string().min(8).max(1024),
  name: z.string().min(1).max(200).refine(noNul, NO_NUL_MESSAGE),
  profile: profileInput.optional(),
});

export const loginBody = z.object({ email: z.string().max(254), password: z.string().max(1024) });
export const refreshBody = z.object({ refreshToken: z.string().min(10).max(500) });

export const sessionSchema = z.object({
  user: userSchema,
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number(),
});

export const tokensSchema = z.object({ accessToken: z.string(), refreshToken: z.string(), expiresIn: z.number() });

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: isoDate,
  lastUsedAt: isoDateNullable,
  revokedAt: isoDateNullable,
});
