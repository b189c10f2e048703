import { createHash } from 'node:crypto';
import { assertGroups } from '@/services/fields/definition.js';
import { loadTemplateVersion } from '@/services/templates/versions.js';
import type { EngineField } from '@/pdf/index.js';
import type { Template } from '@/shared/domain/template.js';
import type { Services } from '@/services/context.js';

/** What generation renders: a template's fields and base PDF at one version. */
export interface TemplateSnapshot {
  template: Template;
  fields: EngineField[];
  base: Uint8Array;
  /** The published version; 0 for the draft (GeneratedPdf.templateVersion is an integer). */
  version: number;
  /** Changes whenever what would be rendered changes: the compiled-template cache key. */
  cacheKey: string;
}

export type VersionSelector = number | 'draft' | undefined;

/**
 * The templates module's loader (latest published by default, a named version, or 'draft'), plus
 * the cache key: (templateId, version) for published versions, which never change; for the draft a
 * digest of the template's and fields' update times, so an edit compiles anew.
 */
export async function loadTemplateSnapshot(
  services: Services,
  userId: string,
  templateId: string,
  version: VersionSelector,
): Promise<TemplateSnapshot> {
  const loaded = await loadTemplateVersion(services, userId, templateId, version);
  const fields: EngineField[] = loaded.fields.map((f) => ({ ...f }));
  if (loaded.version !== 'draft')
    return { template: loaded.template, fields, base: loaded.base, version: loaded.version, cacheKey: `${templateId}:v${loaded.version}` };
  // A published version was checked when it was published; the draft is checked as it is now.
  assertGroups(loaded.template, fields);
  const digest = createHash('sha256')
    .update(loaded.template.updatedAt)
    .update(JSON.stringify(loaded.fields.map((f) => [f.fieldId, f.updatedAt])))
    .update(String(loaded.base.length))
    .digest('hex')
    .slice(0, 20);
  return { template: loaded.template, fields, base: loaded.base, version: 0, cacheKey: `${templateId}:draft:${digest}` };
}
