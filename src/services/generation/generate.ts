import type { GeneratedPdf } from '@/shared/database/prisma/index.js';
import { payloadErrors, unknownDataKeys, validate, type ValidateOptions, type ValidationIssue } from '@/pdf/validate/index.js';
import type { GeneratedDocument, GenerationWarning } from '@/pdf/index.js';
import type { OutputSecrets } from '@/pdf/output/index.js';
import { mergeOutputOptions, type OutputOptions, type OutputOverride } from '@/shared/domain/output.js';
import { AppError, ConflictError, ValidationError } from '@/shared/errors.js';
import { compiled } from './compiled-cache.js';
import { computeExpressions } from './expressions.js';
import { loadTemplateSnapshot, type TemplateSnapshot, type VersionSelector } from './template-source.js';
import type { Services } from '@/services/context.js';
import { generatedKey } from '@/services/blob-keys.js';
import { withStoredCertificate } from '@/services/certificates/signing-certificates.js';
import { uuidv7 } from '@/shared/uuidv7.js';

/** Drawn across every page of a test-mode document. */
export const TEST_WATERMARK = 'TEST MODE';

/** payload_invalid: every field problem at once, by binding key. */
export class PayloadInvalidError extends ValidationError {
  constructor(readonly validation: ValidationIssue[]) {
    super(
      `${validation.length} field(s) of the data are invalid`,
      validation.map((i) => ({ path: i.bindingKey, code: i.code, message: i.message })),
      'payload_invalid',
    );
  }
}

export function checkPayload(snapshot: TemplateSnapshot, payload: Record<string, unknown>, opts: ValidateOptions = {}): void {
  const issues = payloadErrors(validate(snapshot.fields, payload, opts));
  if (issues.length > 0) throw new PayloadInvalidError(issues);
}

/**
 * Data keys no field is bound to: warnings by default; with `strict`, payload_invalid (422)
 * naming each key, before any record exists.
 */
export function unknownKeyWarnings(snapshot: TemplateSnapshot, payload: Record<string, unknown>, strict: boolean): GenerationWarning[] {
  const keys = unknownDataKeys(snapshot.fields, payload);
  const message = (key: string) => `no field of the template is bound to "${key}"`;
  if (strict && keys.length)
    throw new ValidationError(
      `${keys.length} key(s) of the data match no field (strict mode)`,
      keys.map((key) => ({ path: key, code: 'unknown_key', message: message(key) })),
      'payload_invalid',
    );
  return keys.map((key) => ({ fieldId: '', name: '', bindingKey: key, code: 'unknown_key', message: message(key) }));
}

/**
 * The template's output options with the request's override, and the timestamp authority of a
 * B-T signature resolved against the configured list (the first is the default): the server only
 * ever posts to an authority the operator named.
 */
export function resolveOutput(
  template: OutputOptions | undefined,
  override: OutputOverride | undefined,
  timestampUrls: string[],
): OutputOptions | undefined {
  const output = mergeOutputOptions(template, override);
  const sig = output?.signature;
  if (!output || !sig || sig.level !== 'B-T') return output;
  const url = sig.timestampUrl ?? timestampUrls[0];
  if (url === undefined) return output;
  if (!timestampUrls.includes(url)) {
    throw new AppError('timestamp_url_not_allowed', 'The timestamp authority is not one this server is configured to use', {
      allowed: timestampUrls,
    });
  }
  return { ...output, signature: { ...sig, timestampUrl: url } };
}

export interface GenerateRequest {
  userId: string;
  templateId: string;
  payload: Record<string, unknown>;
  version?: VersionSelector;
  /** Default true. */
  flatten?: boolean;
  testMode?: boolean;
  /** Unique id of the logical document (`${jobId}:${index}` for jobs); a second call with it returns the first document. */
  recordKey?: string;
  jobId?: string;
  /** Already loaded by the caller (jobs load once per message). */
  snapshot?: TemplateSnapshot;
  /** Replaces the template's output options part by part (null removes a part). */
  output?: OutputOverride;
  /** Options already resolved (a job's, fixed at its creation): used as they are, instead of template + `output`. */
  resolvedOutput?: OutputOptions | null;
  /** Data keys no field is bound to answer payload_invalid instead of a warning. */
  strict?: boolean;
  /** Certificate and passwords for this request only: never stored, never logged. */
  secrets?: OutputSecrets;
}

export interface GenerateOutcome {
  pdf: GeneratedPdf;
  /** Absent when the document already existed (redelivery). */
  bytes?: Uint8Array;
  warnings: GenerationWarning[];
  created: boolean;
}

/** What is decided about a document before any row exists: payload errors throw here. */
export interface PreparedDocument {
  computed: Awaited<ReturnType<typeof computeExpressions>>;
  warnings: GenerationWarning[];
  output: OutputOptions | undefined;
  expiresAt: Date;
}

/**
 * Validates the payload (with calculated fields computed), collects unknown-key warnings and
 * resolves the output options and retention: everything up to rendering, shared by single
 * documents and job chunks.
 */
export async function prepareDocument(
  services: Services,
  snapshot: TemplateSnapshot,
  req: Pick<GenerateRequest, 'payload' | 'output' | 'resolvedOutput' | 'strict'>,
): Promise<PreparedDocument> {
  const { config } = services;
  const { limits } = config;
  const rules: ValidateOptions = {
    maxValueLength: limits.maxFieldValueChars,
    maxSignaturePoints: limits.maxSignaturePoints,
    maxTableRows: limits.maxTableRows,
  };
  // Calculated fields are validated (and later drawn) with their computed values.
  const computed = await computeExpressions(snapshot, req.payload).catch((err: unknown) => {
    // An expression over malformed data (a row's qty "three") fails because of the data: say that.
    checkPayload(
      { ...snapshot, fields: snapshot.fields.filter((f) => !f.advanced.expression && !f.advanced.condition) },
      req.payload,
      rules,
    );
    throw err;
  });
  checkPayload(snapshot, req.payload, { ...rules, computed });
  const warnings = unknownKeyWarnings(snapshot, req.payload, req.strict ?? false);
  const output =
    req.resolvedOutput !== undefined
      ? (req.resolvedOutput ?? undefined)
      : resolveOutput(snapshot.template.output, req.output, config.output.timestampUrls);
  // The template's own retention, else the deployment's (the daily cleanup also re-dates on a change).
  const retentionDays = snapshot.template.retentionDays ?? config.limits.pdfRetentionDays;
  return { computed, warnings, output, expiresAt: new Date(Date.now() + retentionDays * 86_400_000) };
}

/** Renders a prepared document on the engine pool (the compiled template cached per thread). */
export async function renderDocument(
  services: Services,
  snapshot: TemplateSnapshot,
  req: Pick<GenerateRequest, 'payload' | 'flatten' | 'testMode' | 'secrets'>,
  prepared: PreparedDocument,
): Promise<GeneratedDocument> {
  const { config } = services;
  const { limits } = config;
  const template = await compiled(snapshot.cacheKey, async () => ({ base: snapshot.base, fields: snapshot.fields }), config.engine);
  return template.generate(req.payload, {
    flatten: req.flatten ?? true,
    limits: {
      maxImagePixels: limits.maxImagePixels,
      maxImageBytes: limits.maxImageBytes,
      maxSignaturePoints: limits.maxSignaturePoints,
      maxRows: limits.maxTableRows,
      maxPages: limits.maxDocumentPages,
    },
    output: prepared.output,
    secrets: req.secrets,
    ...(prepared.computed ? { computed: prepared.computed } : {}),
    ...(req.testMode ? { testWatermark: TEST_WATERMARK } : {}),
  });
}

/** Renders a prepared document and writes it to the generated bucket under its row's key. */
export async function renderAndStore(
  services: Services,
  snapshot: TemplateSnapshot,
  req: Pick<GenerateRequest, 'payload' | 'flatten' | 'testMode' | 'secrets'>,
  prepared: PreparedDocument,
  row: { userId: string; id: string },
): Promise<{ doc: GeneratedDocument; storageKey: string }> {
  const doc = await renderDocument(services, snapshot, req, prepared);
  const storageKey = generatedKey(row.userId, row.id);
  await services.blobs.put('generated', storageKey, doc.bytes, { contentType: 'application/pdf', contentLength: doc.bytes.length });
  return { doc, storageKey };
}

/**
 * What one request is made of before any row exists: its template, the prepared document, and
 * its secrets with a stored certificate opened (a missing one is refused like bad data).
 */
async function prepareRequest(
  services: Services,
  req: GenerateRequest,
): Promise<{ snapshot: TemplateSnapshot; prepared: PreparedDocument; secrets: OutputSecrets | undefined }> {
  const snapshot = req.snapshot ?? (await loadTemplateSnapshot(services, req.userId, req.templateId, req.version));
  const prepared = await prepareDocument(services, snapshot, req);
  const secrets = await withStoredCertificate(services, req.userId, prepared.output?.signature?.certificateId, req.secrets);
  return { snapshot, prepared, secrets };
}

/**
 * Validate → render (compiled template from the per-process cache) → store in the generated bucket
 * → GeneratedPdf row completed. The row is created first (idempotent on recordKey), so a retried
 * record finds its row and never makes a second document. Payload errors throw before any row exists.
 */
export async function generateAndStore(services: Services, req: GenerateRequest): Promise<GenerateOutcome> {
  const { repos, config } = services;
  const { snapshot, prepared, secrets } = await prepareRequest(services, req);
  const { expiresAt } = prepared;
  const { pdf: row, created } = await repos.generatedPdfs.createOrGet({
    recordKey: req.recordKey,
    userId: req.userId,
    templateId: req.templateId,
    templateVersion: snapshot.version,
    jobId: req.jobId ?? null,
    testMode: req.testMode ?? false,
    expiresAt,
  });
  if (!created && row.status === 'completed') return { pdf: row, warnings: [], created: false };
  try {
    await repos.generatedPdfs.markProcessing(row.id);
  } catch (err) {
    // The record already has its outcome: completed by another delivery, or failed — a job's failed
    // row is final (counted in job.failed; the update refuses to reopen it), so a delivery that
    // outlived the final attempt, or came after the stalled-jobs sweep, makes and counts nothing.
    const now = err instanceof ConflictError ? await repos.generatedPdfs.findByRecordKey(row.recordKey) : null;
    if (now && (now.status === 'completed' || now.status === 'failed')) return { pdf: now, warnings: [], created: false };
    throw err;
  }
  try {
    const { doc, storageKey } = await renderAndStore(services, snapshot, { ...req, secrets }, prepared, row);
    const pdf = await repos.generatedPdfs.markCompleted(row.id, {
      storageKey,
      bucket: config.storage.buckets.generated,
      fileSize: doc.bytes.length,
      pageCount: doc.pageCount,
    });
    return { pdf, bytes: doc.bytes, warnings: [...prepared.warnings, ...doc.warnings], created: true };
  } catch (err) {
    // A job's record stays 'processing' for its retry: only the job layer marks it failed, and
    // counts it in the same write (recordFailure). A row failed here was never counted: the job
    // then took it for a settled record (finishing early) and never counted its final failure.
    if (!req.jobId) await repos.generatedPdfs.markFailed(row.id, err instanceof Error ? err.message : String(err)).catch(() => undefined);
    throw err;
  }
}

/**
 * One document now (the synchronous route): validate → render → store → its row written once,
 * completed (or failed, with the reason), instead of the three writes a job's record needs. A
 * synchronous request has no redelivery to be idempotent for, so the row can wait for the outcome;
 * its id is made first (a UUIDv7, as the database would) because the blob key is named after it.
 */
export async function generateOnce(services: Services, req: Omit<GenerateRequest, 'recordKey' | 'jobId'>): Promise<GenerateOutcome> {
  const { repos, config } = services;
  const { snapshot, prepared, secrets } = await prepareRequest(services, req);
  const row = {
    id: uuidv7(),
    userId: req.userId,
    templateId: req.templateId,
    templateVersion: snapshot.version,
    testMode: req.testMode ?? false,
    expiresAt: prepared.expiresAt,
  };
  let stored: Awaited<ReturnType<typeof renderAndStore>>;
  try {
    stored = await renderAndStore(services, snapshot, { ...req, secrets }, prepared, row);
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    await repos.generatedPdfs.createFinished({ ...row, status: 'failed', error }).catch(() => undefined);
    throw err;
  }
  const { doc, storageKey } = stored;
  const result = { storageKey, bucket: config.storage.buckets.generated, fileSize: doc.bytes.length, pageCount: doc.pageCount };
  const pdf = await repos.generatedPdfs.createFinished({ ...row, status: 'completed', result });
  return { pdf, bytes: doc.bytes, warnings: [...prepared.warnings, ...doc.warnings], created: true };
}
