import { randomUUID } from 'node:crypto';

/**
 * Where every blob the product stores lives, and how to tell a key's kind back from the key.
 *
 *   uploads bucket    users/<userId>/uploads/<uuid>.pdf            an uploaded file's bytes
 *   generated bucket  users/<userId>/generated/<pdfId>.pdf         one generated PDF (GeneratedPdf row)
 *                     users/<userId>/jobs/<jobId>/result.<pdf|zip> a batch job's combined result
 *                     exports/<userId>/<uuid>.zip                  a data export (top level: the cleanup lists them by prefix)
 *   files bucket      templates/<templateId>/base.pdf              a template's own copy of its PDF
 *                     templates/<templateId>/revisions/<uuid>.pdf  a replaced base PDF's new revision
 *                     templates/<templateId>/versions/<n>.json     a published version's snapshot
 *
 * Writers build keys only with these functions and readers classify keys only with parseBlobKey, so
 * the layout is stated once.
 */

export function uploadKey(userId: string): string {
  return `users/${userId}/uploads/${randomUUID()}.pdf`;
}

export function generatedKey(userId: string, pdfId: string): string {
  return `users/${userId}/generated/${pdfId}.pdf`;
}

export function jobResultKey(job: { userId: string; id: string; output: string }): string {
  return `users/${job.userId}/jobs/${job.id}/result.${job.output === 'zip' ? 'zip' : 'pdf'}`;
}

/** Every blob of one user in the uploads and generated buckets is under this prefix. */
export const userPrefix = (userId: string) => `users/${userId}/`;
export const EXPORTS_PREFIX = 'exports/';
export const userExportsPrefix = (userId: string) => `${EXPORTS_PREFIX}${userId}/`;
export function exportKey(userId: string): string {
  return `${userExportsPrefix(userId)}${randomUUID()}.zip`;
}

/** Every blob of a template (base and version snapshots) is under this prefix of the files bucket. */
export const templatePrefix = (templateId: string) => `templates/${templateId}/`;
export const templateBaseKey = (templateId: string) => `templates/${templateId}/base.pdf`;
/** A new revision of a template's base: a key of its own, so versions published with the old base keep it. */
export const templateRevisionKey = (templateId: string) => `templates/${templateId}/revisions/${randomUUID()}.pdf`;
export const templateVersionKey = (templateId: string, version: number) => `templates/${templateId}/versions/${version}.json`;

export type BlobKeyKind =
  | { kind: 'upload'; userId: string }
  | { kind: 'generated'; userId: string; pdfId: string }
  | { kind: 'job_result'; userId: string; jobId: string }
  | { kind: 'export'; userId: string }
  | { kind: 'template_base'; templateId: string }
  | { kind: 'template_version'; templateId: string; version: number };

/** The kind of a key this layout produces, or undefined for any other key. */
export function parseBlobKey(key: string): BlobKeyKind | undefined {
  const s = key.split('/');
  if (s[0] === 'users' && s.length === 4 && s[2] === 'uploads' && s[3].endsWith('.pdf')) return { kind: 'upload', userId: s[1] };
  if (s[0] === 'users' && s.length === 4 && s[2] === 'generated' && s[3].endsWith('.pdf'))
    return { kind: 'generated', userId: s[1], pdfId: s[3].slice(0, -'.pdf'.length) };
  if (s[0] === 'users' && s.length === 5 && s[2] === 'jobs' && /^result\.(pdf|zip)$/.test(s[4]))
    return { kind: 'job_result', userId: s[1], jobId: s[3] };
  if (s[0] === 'exports' && s.length === 3 && s[2].endsWith('.zip')) return { kind: 'export', userId: s[1] };
  if (s[0] === 'templates' && s.length === 3 && s[2] === 'base.pdf') return { kind: 'template_base', templateId: s[1] };
  if (s[0] === 'templates' && s.length === 4 && s[2] === 'revisions' && s[3].endsWith('.pdf'))
    return { kind: 'template_base', templateId: s[1] };
  if (s[0] === 'templates' && s.length === 4 && s[2] === 'versions' && /^\d+\.json$/.test(s[3]))
    return { kind: 'template_version', templateId: s[1], version: Number(s[3].slice(0, -'.json'.length)) };
  return undefined;
}
