import { mkdir, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { createPdfStudioClient, type Job, type PdfStudioClient } from '../../packages/client/src/index.js';
import { CliError } from './errors.js';
import { startProgress } from './progress.js';
import { outputName, readRecords, type InputRecord, type ReadRecordsOptions } from './records.js';

/**
 * `generate <templateId> --url …`: the records go to a running server as jobs (POST
 * /api/templates/:id/jobs, zip output), whose progress is shown and whose zips are unpacked into
 * the output directory, one PDF per record, named by its position in the input.
 */
export interface RemoteGenerateOptions extends ReadRecordsOptions {
  url: string;
  apiKey: string;
  templateId: string;
  data: string;
  out: string;
  version?: number | 'draft';
  testMode?: boolean;
  /** Records per job (the API takes up to 10,000; smaller jobs bound each zip held in memory). */
  jobSize?: number;
  pollMs?: number;
}

export interface GenerateSummary {
  written: number;
  failed: number;
  skipped: number;
  errors: { position: number; message: string }[];
}

const MAX_JOB_RECORDS = 10_000;
/** Below the jobs route's 20 MB body limit, with room for the JSON around the records. */
const MAX_JOB_BYTES = 16 * 1024 * 1024;

function chunk(records: InputRecord[], size: number): InputRecord[][] {
  const chunks: InputRecord[][] = [];
  let current: InputRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const b = JSON.stringify(r.data).length + 1;
    if (current.length && (current.length >= size || bytes + b > MAX_JOB_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += b;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

async function startJob(client: PdfStudioClient, opts: RemoteGenerateOptions, records: InputRecord[]): Promise<Job> {
  const { job } = await client.unwrap(
    client.api.POST('/api/templates/{id}/jobs', {
      params: { path: { id: opts.templateId }, header: { 'idempotency-key': `cli-${randomUUID()}` } },
      body: { records: records.map((r) => r.data), output: 'zip', version: opts.version, testMode: opts.testMode ?? false },
    }),
  );
  return job;
}

export async function remoteGenerate(opts: RemoteGenerateOptions): Promise<GenerateSummary> {
  const client = createPdfStudioClient({ baseUrl: opts.url, apiKey: opts.apiKey });
  const records: InputRecord[] = [];
  let skipped = 0;
  const onSkip = (position: number, message: string) => {
    skipped++;
    opts.onSkip?.(position, message);
  };
  for await (const r of readRecords(opts.data, { stopOnError: opts.stopOnError, onSkip })) records.push(r);
  if (!records.length) throw new CliError(`${opts.data}: no records`, 2);
  const last = records.at(-1)!.position;
  await mkdir(opts.out, { recursive: true });

  // Every job is queued at once so the server works on all of them; results are taken in order.
  const chunks = chunk(records, Math.min(opts.jobSize ?? 1000, MAX_JOB_RECORDS));
  const jobs: Job[] = [];
  for (const c of chunks) jobs.push(await startJob(client, opts, c));

  const summary: GenerateSummary = { written: 0, failed: 0, skipped, errors: [] };
  const progress = startProgress('generating', records.length);
  const counts = jobs.map(() => ({ done: 0, failed: 0 }));
  const show = () =>
    progress.update(
      counts.reduce((n, c) => n + c.done + c.failed, 0),
      counts.reduce((n, c) => n + c.failed, 0),
    );
  try {
    for (const [i, started] of jobs.entries()) {
      const job = await client.waitForJob(started.id, {
        intervalMs: opts.pollMs ?? 500,
        onProgress: (j) => {
          counts[i] = { done: j.done, failed: j.failed };
          show();
        },
      });
      if (job.status !== 'completed') throw new CliError(`job ${job.id} ended ${job.status}`, 1);
      const input = chunks[i];
      for (const e of job.errors) {
        const position = e.index === undefined ? undefined : input[e.index]?.position;
        summary.errors.push({ position: position ?? 0, message: e.message });
      }
      summary.failed += job.failed;
      if (!job.resultUrl) continue;
      const entries = unzipSync(await client.download(job.resultUrl));
      for (const [name, bytes] of Object.entries(entries)) {
        // The job names each document by its record's index in the job: record-00001.pdf.
        const index = Number(/^record-(\d+)\.pdf$/.exec(name)?.[1]) - 1;
        const record = input[index];
        if (!record) throw new CliError(`job ${job.id}: unexpected entry ${name} in its result`, 1);
        await writeFile(path.join(opts.out, outputName(record.position, last)), bytes);
        summary.written++;
      }
    }
  } finally {
    progress.stop();
  }
  return summary;
}
