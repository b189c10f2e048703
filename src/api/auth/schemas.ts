import { z } from 'zod';
import { boundedJsonObject, NO_NUL_MESSAGE, noNul } from '@/shared/validation/json-bounds.js';
import { isoDate, isoDateNullable } from '../schemas/common.js';

export const profileSchema = z
  .object({
    company: z.string().nullable(),
    timezone: z.string().nullable(),
    language: z.string().nullable(),
    preferences: z.unknown(),
  })
  .describe("The user's profile");

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(['user', 'admin']),
    createdAt: isoDate,
    profile: profileSchema.nullable().optional(),
  })
  .describe('A user account (never its password)');

export const profileInput = z
  .object({
    company: z.string().max(200).refine(noNul, NO_NUL_MESSAGE).nullish(),
    timezone: z.string().max(64).refine(isTimeZone, 'an IANA time zone such as Europe/Paris').nullish(),
    language: z
      .string()
      .max(16)
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en or pt-BR')
      .nullish(),
    preferences: boundedJsonObject().optional().describe('Free-form settings of the studio; replaces the stored object'),
  })
  .describe('Profile fields to set; null clears one');

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const registerBody = z
  .object({
    email: z.string().email().max(254),
    password: z.string().min(8).max(1024),
    name: z.string().min(1).max(200).refine(noNul, NO_NUL_MESSAGE),
    profile: profileInput.optional(),
  })
  .describe('A new account');

export const loginBody = z.object({ email: z.string().max(254), password: z.string().max(1024) }).describe('Email and password');
export const refreshBody = z
  .object({ refreshToken: z.string().min(10).max(500).describe('The refresh token of the session') })
  .describe('A refresh token');

export const sessionSchema = z
  .object({
    user: userSchema,
    accessToken: z.string().describe('Send as Authorization: Bearer <token>'),
    refreshToken: z.string().describe('Exchange at POST /api/auth/refresh; single use'),
    expiresIn: z.number().describe('Seconds until the access token expires'),
  })
  .describe('A signed-in session: the user and their tokens');

export const tokensSchema = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string().describe('The successor; the presented token no longer works'),
    expiresIn: z.number(),
  })
  .describe('The rotated tokens of the session');

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe('The first characters of the key, to recognise it'),
    scopes: z.array(z.string()).describe('What the key may do (read, generate, write, keys)'),
    createdAt: isoDate,
    lastUsedAt: isoDateNullable,
    revokedAt: isoDateNullable,
  })
  .describe('An API key (without the key itself)');
