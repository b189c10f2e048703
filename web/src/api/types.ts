import type { Field } from '@/shared/domain/field.js';

/** Response shapes of docs/api-contract.md, as the studio uses them. */

export type { Field };

export interface Profile {
  company: string | null;
  timezone: string | null;
  language: string | null;
  preferences: unknown;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  createdAt: string;
  profile: Profile | null;
}

export interface AuthResponse {
  user: User;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface UploadedFile {
  id: string;
  originalFilename: string;
  fileSize: number;
  mimeType: string;
  status: 'uploaded' | 'processing' | 'ready' | 'failed';
  metadata: {
    pageCount?: number;
    pages?: { width: number; height: number; rotation: number }[];
    formFields?: unknown[];
    error?: string | { code: string; message: string };
  };
  createdAt: string;
}

export type TemplateStatus = 'draft' | 'active' | 'archived';

export interface Template {
  templateId: string;
  userId: string;
  name: string;
  description?: string | null;
  originalFileId?: string;
  dimensions: { width: number; height: number };
  pageCount: number;
  pages?: { width: number; height: number }[];
  status: TemplateStatus;
  publishedVersion?: number | null;
  fieldCount?: number;
  createdAt: string;
  updatedAt: string;
}

export interface CursorPage<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface NumberedPage<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
}

/** POST /api/templates/:id/preflight (preflightResponse in src/api/generate/routes.ts). */
export interface PreflightResult {
  ok: boolean;
  /** fieldId is null for a field the template does not store (never for a saved template). */
  errors: { fieldId: string | null; bindingKey: string; code: string; message: string }[];
  /** codePoint is already formatted by the API, e.g. "U+0915". */
  missingGlyphs: { fieldId: string; char: string; codePoint: string }[];
  overflows: { fieldId: string; code?: string; message: string }[];
  /** Values that cannot be drawn at all (not a number, unknown font, …); absent on older servers. */
  renderErrors?: { fieldId: string; code: string; message: string }[];
}

export interface Job {
  id: string;
  templateId: string;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  total: number;
  done: number;
  failed: number;
  output: JobOutput;
  testMode?: boolean;
  errors: { index?: number; message: string }[];
  resultUrl?: string | null;
  createdAt: string;
  updatedAt: string;
}

export type JobOutput = 'individual' | 'merged' | 'zip';

/** Body of POST /api/templates/:id/jobs (createJobBody in src/services/generation/jobs.ts). */
export interface CreateJobInput {
  records: Record<string, unknown>[];
  output: JobOutput;
  webhookUrl?: string;
  notifyEmail?: string;
  testMode?: boolean;
}

export interface FontFamily {
  name: string;
  aliases: string[];
  styles: string[];
}

export interface GeneratedPdf {
  id: string;
  templateId: string;
  status: string;
  fileSize: number | null;
  pageCount: number | null;
  expiresAt: string | null;
  testMode: boolean;
  createdAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  key: string;
  createdAt: string;
}
