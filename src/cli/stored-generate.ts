import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getConfig } from '@/shared/config/index.js';
import { CliError } from './errors.js';
import { startProgress } from './progress.js';
import { countRecords, outputName, readRecords, type ReadRecordsOptions } from './records.js';
import type { GenerateSummary } from './remote-generate.js';

/**
 * `generate <templateId> --user <email>`: a stored template, on the database this configuration
 * names, each record made and stored as an API generation would be. The embedded database belongs
 * to one process: beside a running server, the remote mode (--url) is the way.
 */
export interface StoredGenerateOptions extends ReadRecordsOptions {
  templateId: string;
  user: string;
  data: string;
  /** A directory; or a file ending in .pdf when the input holds a single record. */
  out: string;
  version?: number | 'draft';
  fillable?: boolean;
  testMode?: boolean;
  onWarning?: (message: string) => void;
}

export async function storedGenerate(opts: StoredGenerateOptions): Promise<GenerateSummary> {
  const { count, last } = await countRecords(opts.data).catch((err: unknown) => {
    // Counting skips nothing: a malformed line is reported once, by the generating pass below.
    if (err instanceof CliError) return { count: 0, last: 0 };
    throw err;
  });
  const toFile = opts.out.endsWith('.pdf');
  if (toFile && count > 1)
    throw new CliError(`--out ${opts.out} is one file, but ${opts.data} holds ${count} records: give a directory`, 2);
  const { startInfrastructure } = await import('@/runtime/infrastructure.js');
  const { createServices } = await import('@/runtime/services.js');
  const { generateAndStore } = await import('@/services/generation/generate.js');
  const { loadTemplateSnapshot } = await import('@/services/generation/template-source.js');
  const { AppError, ValidationError } = await import('@/shared/errors.js');
  const { PdfError } = await import('@/pdf/errors.js');
  const infra = await startInfrastructure(getConfig());
  const summary: GenerateSummary = { written: 0, failed: 0, skipped: 0, errors: [] };
  const progress = startProgress('generating', count);
  try {
    const services = createServices(infra);
    const found = await services.repos.users.findForLogin(opts.user);
    if (!found) throw new CliError(`no account with the email ${opts.user}`);
    // Loaded once: an unknown template stops the run instead of failing every record.
    const snapshot = await loadTemplateSnapshot(services, found.user.id, opts.templateId, opts.version).catch((err: unknown) => {
      if (err instanceof AppError && err.status === 404) throw new CliError(`no template ${opts.templateId} of ${opts.user}`);
      throw err;
    });
    if (!toFile) await mkdir(opts.out, { recursive: true });
    const onSkip = (position: number, message: string) => {
      summary.skipped++;
      opts.onSkip?.(position, message);
    };
    for await (const record of readRecords(opts.data, { stopOnError: opts.stopOnError, onSkip })) {
      try {
        const made = await generateAndStore(services, {
          userId: found.user.id,
          templateId: opts.templateId,
          payload: record.data,
          snapshot,
          flatten: !opts.fillable,
          testMode: opts.testMode ?? false,
        });
        const file = toFile ? opts.out : path.join(opts.out, outputName(record.position, last));
        await writeFile(file, made.bytes!);
        summary.written++;
        for (const w of made.warnings) opts.onWarning?.(`record ${record.position}: warning ${w.code} ${w.bindingKey ?? ''}: ${w.message}`);
      } catch (err) {
        // The record's own fault (its data, what the engine could not draw): it fails alone.
        if (!(err instanceof PdfError) && !(err instanceof AppError && err.status < 500)) throw err;
        const issues = err instanceof ValidationError ? err.issues : [];
        const detail = issues.length ? `: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}` : '';
        summary.failed++;
        summary.errors.push({ position: record.position, message: `${err.message}${detail}` });
      }
      progress.update(summary.written + summary.failed, summary.failed);
    }
  } finally {
    progress.stop();
    await infra.stop();
  }
  return summary;
}
