import type { FieldSpec } from '@/shared/domain/field.js';
import type { FieldsApi, PositionUpdate } from '../state/saver.js';
import type { ApiClient } from './client.js';
import type {
  ApiKey,
  BaseReplaceReview,
  CreatedApiKey,
  CreateJobInput,
  CursorPage,
  FontFamily,
  Field,
  GeneratedPdf,
  Job,
  NumberedPage,
  PdfaPreflightResult,
  PreflightResult,
  Template,
  TemplateVersion,
  UploadedFile,
} from './types.js';

/** Typed calls of the API (its OpenAPI document, /docs). One function per endpoint the studio uses. */

const enc = encodeURIComponent;

function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

export function createApi(c: ApiClient) {
  return {
    listTemplates: (p: { limit?: number; cursor?: string | null; search?: string; status?: string }) =>
      c.request<CursorPage<Template>>('GET', `/api/templates${qs(p)}`),
    templateStats: () => c.request<{ active: number; total: number }>('GET', '/api/templates/stats'),
    fileStats: () => c.request<{ totalFiles: number; totalSize: number }>('GET', '/api/files/stats'),
    createTemplate: (body: { fileId: string; name: string; description?: string; importFormFields?: boolean }) =>
      c.request<{ template: Template; fields: Field[] }>('POST', '/api/templates', { body }),
    getTemplate: (id: string) => c.request<{ template: Template; fields: Field[] }>('GET', `/api/templates/${enc(id)}`),
    listFields: (id: string) => c.request<{ items: Field[] }>('GET', `/api/templates/${enc(id)}/fields`),
    patchTemplate: (id: string, body: { name?: string; description?: string; status?: string }) =>
      c.request<{ template: Template }>('PATCH', `/api/templates/${enc(id)}`, { body }),
    duplicateTemplate: (id: string, name?: string) =>
      c.request<{ template: Template; fields: Field[] }>('POST', `/api/templates/${enc(id)}/duplicate`, { body: name ? { name } : {} }),
    archiveTemplate: (id: string) => c.request<{ template: Template }>('POST', `/api/templates/${enc(id)}/archive`, { body: {} }),
    deleteTemplate: (id: string) => c.request<void>('DELETE', `/api/templates/${enc(id)}`),
    /** Replaces the base PDF by an uploaded file's: a review (nothing changes) unless `apply`. */
    replaceBasePdf: (id: string, fileId: string, apply: boolean) =>
      c.request<{ review: BaseReplaceReview; template: Template }>('POST', `/api/templates/${enc(id)}/base-pdf`, {
        body: { fileId, apply },
      }),
    templatePdf: (id: string) => c.request<Response>('GET', `/api/templates/${enc(id)}/pdf`, { raw: true, accept: 'application/pdf' }),
    publish: (id: string) => c.request<{ version: number; publishedAt: string }>('POST', `/api/templates/${enc(id)}/publish`, { body: {} }),
    versions: (id: string) =>
      c.request<{ items: { version: number; publishedAt: string; fieldCount: number }[] }>('GET', `/api/templates/${enc(id)}/versions`),
    /** One published version with the fields it froze. */
    getVersion: (id: string, version: number) => c.request<TemplateVersion>('GET', `/api/templates/${enc(id)}/versions/${version}`),
    /** Replaces the draft's fields by these (ids kept; the template's other fields removed). */
    replaceFields: (id: string, fields: (FieldSpec & { fieldId: string })[]) =>
      c.request<{ items: Field[] }>('PUT', `/api/templates/${enc(id)}/fields`, { body: { fields, deleteMissing: true } }),
    importFormFields: (id: string) => c.request<{ items: Field[] }>('POST', `/api/templates/${enc(id)}/import-form-fields`, { body: {} }),
    /** Checks the draft, as the studio's preview generates it: the editor shows the draft, not the published version. */
    preflight: (id: string, data: unknown) =>
      c.request<PreflightResult>('POST', `/api/templates/${enc(id)}/preflight`, { body: { data, version: 'draft' } }),
    /** Whether the draft's base PDF can be made PDF/A (2b or 3b), and every reason why not. */
    pdfaPreflight: (id: string, level: '2b' | '3b') =>
      c.request<PdfaPreflightResult>('POST', `/api/templates/${enc(id)}/pdfa-preflight`, { body: { level, version: 'draft' } }),
    /** Generates synchronously and returns the PDF bytes and the `x-pdf-warnings` header. */
    generatePdf: async (id: string, data: unknown) => {
      const res = await c.request<Response>('POST', `/api/templates/${enc(id)}/generate`, {
        body: { data, version: 'draft' },
        accept: 'application/pdf',
        raw: true,
      });
      let warnings: unknown = null;
      const header = res.headers.get('x-pdf-warnings');
      if (header) {
        try {
          warnings = JSON.parse(header);
        } catch {
          warnings = header;
        }
      }
      return { blob: await res.blob(), warnings };
    },
    listJobs: (p: { page?: number; limit?: number }) => c.request<NumberedPage<Job>>('GET', `/api/jobs${qs(p)}`),
    /** One job; only this call carries `resultUrl` (a signed link) once the job has completed. */
    getJob: (id: string) => c.request<{ job: Job }>('GET', `/api/jobs/${enc(id)}`),
    /** 202 a new job; 200 the first job created with the same Idempotency-Key. */
    createJob: (templateId: string, body: CreateJobInput, idempotencyKey: string) =>
      c.request<{ job: Job }>('POST', `/api/templates/${enc(templateId)}/jobs`, { body, headers: { 'idempotency-key': idempotencyKey } }),
    /** 409 `invalid_transition` once the job has finished. */
    cancelJob: (id: string) => c.request<{ job: Job }>('POST', `/api/jobs/${enc(id)}/cancel`, { body: {} }),
    retryJob: (id: string) => c.request<{ job: Job; retried: number }>('POST', `/api/jobs/${enc(id)}/retry`, { body: {} }),
    /** Font families the engine embeds (404 on servers that predate the route). */
    listFonts: () => c.request<{ families: FontFamily[] }>('GET', '/api/fonts'),
    listGenerated: (p: { page?: number; limit?: number }) => c.request<NumberedPage<GeneratedPdf>>('GET', `/api/generated-pdfs${qs(p)}`),
    generatedDownload: (id: string) => c.request<{ url: string; expiresAt: string }>('GET', `/api/generated-pdfs/${enc(id)}/download`),
    listApiKeys: () => c.request<{ items: ApiKey[] }>('GET', '/api/api-keys'),
    createApiKey: (name: string) => c.request<CreatedApiKey>('POST', '/api/api-keys', { body: { name } }),
    revokeApiKey: (id: string) => c.request<void>('DELETE', `/api/api-keys/${enc(id)}`),
    getFile: (id: string) => c.request<{ file: UploadedFile }>('GET', `/api/files/${enc(id)}`),
    listFiles: (p: { page?: number; limit?: number }) => c.request<NumberedPage<UploadedFile>>('GET', `/api/files${qs(p)}`),
  };
}

export type Api = ReturnType<typeof createApi>;

/** The saver's view of the fields endpoints of one template. */
export function fieldsApi(c: ApiClient, templateId: string): FieldsApi {
  const base = `/api/templates/${enc(templateId)}/fields`;
  return {
    createField: async (spec: FieldSpec) => (await c.request<{ field: Field }>('POST', base, { body: spec })).field,
    upsertFields: async (fields) => {
      await c.request('PUT', base, { body: { fields } });
    },
    updatePositions: async (updates: PositionUpdate[]) => {
      await c.request('PUT', `${base}/positions`, { body: { updates } });
    },
    deleteField: async (fieldId: string) => {
      try {
        await c.request('DELETE', `${base}/${enc(fieldId)}`);
      } catch (err) {
        // Already gone is what we wanted.
        if (!(err instanceof Error && 'status' in err && (err as { status: number }).status === 404)) throw err;
      }
    },
  };
}
