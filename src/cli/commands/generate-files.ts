import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { fieldInputSchema } from '@/shared/domain/field.js';
import { generateBatch, type EngineField } from '@/pdf/index.js';
import { CliError } from '../errors.js';
import { startProgress } from '../progress.js';
import { countRecords, outputName, readRecords, type ReadRecordsOptions } from '../records.js';
import type { GenerateSummary } from '../remote-generate.js';

/**
 * `generate --template t.json --base base.pdf --data records.jsonl --out dir/`: the engine alone,
 * no server or database: one PDF per record, on every core, with progress.
 * t.json is `{fields: [...]}` or a bare array of fields (the template field shape; fieldId optional).
 */
const fieldsFileSchema = z.array(fieldInputSchema.extend({ fieldId: z.string().optional() }));

export async function loadTemplateFile(file: string): Promise<EngineField[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw err;
    throw new CliError(`${file}: not valid JSON (${(err as Error).message})`, 2);
  }
  const list = Array.isArray(raw) ? raw : (raw as { fields?: unknown } | null)?.fields;
  const parsed = fieldsFileSchema.safeParse(list);
  if (!parsed.success) {
    throw new CliError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data.map((f, i) => ({ ...f, fieldId: f.fieldId ?? `field-${i + 1}` }));
}

export interface GenerateFilesOptions extends ReadRecordsOptions {
  template: string;
  base: string;
  data: string;
  out: string;
  fillable?: boolean;
  concurrency?: number;
}

export async function generateFiles(opts: GenerateFilesOptions): Promise<GenerateSummary> {
  const [fields, base] = await Promise.all([loadTemplateFile(opts.template), readFile(opts.base)]);
  await mkdir(opts.out, { recursive: true });
  // Counting skips nothing: a malformed line is reported once, by the generating pass below.
  const { count, last } = await countRecords(opts.data).catch((err: unknown) => {
    if (err instanceof CliError) return { count: 0, last: 0 };
    throw err;
  });
  const progress = startProgress('generating', count);
  // The batch numbers records in the order they are read; each one's position names its file.
  const positions: number[] = [];
  let skipped = 0;
  async function* records() {
    const onSkip = (position: number, message: string) => {
      skipped++;
      opts.onSkip?.(position, message);
    };
    for await (const r of readRecords(opts.data, { stopOnError: opts.stopOnError, onSkip })) {
      positions.push(r.position);
      yield r.data;
    }
  }
  let written = 0;
  try {
    const result = await generateBatch({
      base,
      fields,
      records: records(),
      options: { flatten: !opts.fillable },
      concurrency: opts.concurrency,
      onProgress: (done) => progress.update(done),
      onDocument: async (index, doc) => {
        await writeFile(path.join(opts.out, outputName(positions[index], last)), doc.bytes);
        written++;
      },
    });
    const errors = result.errors.map((e) => ({ position: positions[e.index], message: e.error }));
    return { written, failed: result.failed, skipped, errors };
  } finally {
    progress.stop();
  }
}
