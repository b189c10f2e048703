import type { Deps } from '@/services/context.js';
import type { Template } from '@/shared/domain/template.js';

/**
 * Per-template retention of generated PDFs. A template's `retentionDays` (1..3650) replaces the
 * deployment's PDF_RETENTION_DAYS for its documents: each one then expires that many days after it
 * was created, sooner or later than the default. Documents are stamped with the default when they
 * are made; the stamp is corrected here — for all of a template's documents when its setting
 * changes, and by the daily cleanup (before it deletes anything) for documents made since — so
 * `expiresAt` in the API and the cleanup agree.
 */

/** After a template's retention changed (or was cleared): restamps its documents. Returns the rows changed. */
export async function applyTemplateRetention(services: Deps<'repos' | 'config'>, template: Pick<Template, 'templateId' | 'retentionDays'>) {
  return services.repos.generatedPdfs.applyRetention(
    template.templateId,
    template.retentionDays ?? services.config.limits.pdfRetentionDays,
  );
}

/**
 * The cleanup's retention pass: every template that has documents and its own retention gets its
 * documents restamped. Templates are read 100 at a time by key (BatchGetItem), never scanned;
 * documents of a deleted template keep their stamp.
 */
export async function applyAllTemplateRetention(services: Deps<'repos' | 'config'>): Promise<number> {
  const ids = await services.repos.generatedPdfs.templateIds();
  let changed = 0;
  for (let i = 0; i < ids.length; i += 100) {
    const templates = await services.repos.templates.batchGetItems(ids.slice(i, i + 100).map((templateId) => ({ templateId })));
    for (const t of templates)
      if (t.retentionDays !== undefined) changed += await services.repos.generatedPdfs.applyRetention(t.templateId, t.retentionDays);
  }
  return changed;
}
