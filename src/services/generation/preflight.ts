import type { PreflightResult } from '@/pdf/index.js';
import type { PdfaIssue } from '@/pdf/output/index.js';
import type { PdfaLevel } from '@/shared/domain/output.js';
import type { Services } from '@/services/context.js';
import { loadTemplateSnapshot, type VersionSelector } from './template-source.js';

/**
 * What generating `data` from a version of the template would report, without generating:
 * validation errors, characters no font has, text that will not fit, values that cannot be drawn.
 * The engine is imported on the first preflight: a server that only generates (on its engine
 * threads) never loads it on the API's thread.
 */
export async function preflightData(
  services: Services,
  userId: string,
  templateId: string,
  version: VersionSelector,
  data: Record<string, unknown>,
  strict = false,
): Promise<PreflightResult> {
  const snapshot = await loadTemplateSnapshot(services, userId, templateId, version);
  const { limits } = services.config;
  const { preflightDocument } = await import('@/pdf/index.js');
  return preflightDocument(snapshot.fields, data, {
    maxValueLength: limits.maxFieldValueChars,
    maxTableRows: limits.maxTableRows,
    maxPages: limits.maxDocumentPages,
    basePages: snapshot.template.pageCount,
    strict,
  });
}

/** Whether the version's base PDF can be made PDF/A at `level`, and every reason it cannot. */
export async function preflightPdfa(
  services: Services,
  userId: string,
  templateId: string,
  version: VersionSelector,
  level: PdfaLevel,
): Promise<{ ok: boolean; level: PdfaLevel; issues: PdfaIssue[] }> {
  const snapshot = await loadTemplateSnapshot(services, userId, templateId, version);
  const { pdfaPreflight } = await import('@/pdf/output/index.js');
  return { level, ...(await pdfaPreflight(snapshot.base, level)) };
}
