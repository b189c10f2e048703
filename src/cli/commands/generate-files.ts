import { createReadStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import { fieldInputSchema } from '@/shared/domain/field.js';
import { generateBatch, type EngineField } from '@/pdf/index.js';

/**
 * `generate --template t.json --base base.pdf --data records.jsonl --out dir/`: the engine alone,
 * no server or database: one PDF per JSONL line, on every core, with a progress bar.
 * t.json is `{fields: [...]}` or a bare array of fields (the template field shape; fieldId optional).
 */
const fieldsFileSchema = z.array(fieldInputSchema.extend({ fieldId: z.string().optional() }));

export async function loadTemplateFile(file: string): Promise<EngineField[]> {
  const raw = JSON.parse(await readFile(file, 'utf8')) as unknown;
  const list = Array.isArray(raw) ? raw : (raw as { fields?: unknown } | null)?.fields;
  const parsed = fieldsFileSchema.safeParse(list);
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data.map((f, i) => ({ ...f, fieldId: f.fieldId ?? `field-${i + 1}` }));
}

/** Records of a JSONL file, streamed (a huge file is never held in memory), blank lines skipped. */
export async function* readJsonl(file: string): AsyncGenerator<Record<string, unknown>> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${file}:${n}: not a JSON object`);
    }
  }
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const _ of readJsonl(file)) n++;
  return n;
}

export interface GenerateFilesOptions {
  template: string;
  base: string;
  data: string;
  out: string;
  fillable?: boolean;
  concurrency?: number;
  progress?: boolean;
}

export async function generateFiles(
  opts: GenerateFilesOptions,
): Promise<{ written: number; failed: number; errors: { index: number; error: string }[] }> {
  const [fields, base] = await Promise.all([loadTemplateFile(opts.template), readFile(opts.base)]);
  await mkdir(opts.out, { recursive: true });
  const total = await countLines(opts.data);
  const width = String(Math.max(total, 1)).length;
  const bar = opts.progress
    ? new cliProgress.SingleBar(
        { format: 'generating [{bar}] {value}/{total} {percentage}% | {eta}s left' },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(total, 0);
  let written = 0;
  try {
    const result = await generateBatch({
      base,
      fields,
      records: readJsonl(opts.data),
      options: { flatten: !opts.fillable },
      concurrency: opts.concurrency,
      onProgress: (done) => bar?.update(done),
      onDocument: async (index, doc) => {
        await writeFile(path.join(opts.out, `${String(index + 1).padStart(width, '0')}.pdf`), doc.bytes);
        written++;
      },
    });
    return { written, failed: result.failed, errors: result.errors };
  } finally {
    bar?.stop();
  }
}
