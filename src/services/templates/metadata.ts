import type { Template, TemplatePage } from '@/shared/domain/template.js';
import { templateBaseKey } from '@/services/blob-keys.js';

/** What a template keeps in its `metadata` map: page sizes, where its base is, its published versions. */
export interface TemplateMetadata {
  pages?: TemplatePage[];
  baseKey?: string;
  publishedVersion?: number;
  /** ISO time the base PDF was last replaced (replace-base.ts): the studio says so until a later publish. */
  baseReplacedAt?: string;
  versions?: { version: number; publishedAt: string; fieldCount: number; snapshotKey: string }[];
  [extra: string]: unknown;
}

export function templateMetadata(t: Template): TemplateMetadata {
  return (t.metadata ?? {}) as TemplateMetadata;
}

/** Where a template's base PDF is in the `files` bucket (its own copy: deleting the upload never breaks it). */
export function baseKey(t: Template): string {
  return templateMetadata(t).baseKey ?? templateBaseKey(t.templateId);
}
