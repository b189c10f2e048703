import { once } from 'node:events';
import { buffer } from 'node:stream/consumers';
import { PassThrough } from 'node:stream';
import yazl from 'yazl';
import { isEmptyOutput } from '@/pdf/output/options.js';
import { mergeIsolated } from '@/pdf/merge-pool.js';
import type { MergeSource } from '@/pdf/stream-merge.js';
import type { GeneratedPdf, GenerationJob } from '@/shared/database/prisma/index.js';
import type { Services } from '@/services/context.js';
import { jobResultKey } from '@/services/blob-keys.js';
import { jobOutputOptions, jobSecrets } from './job-output.js';

/** Every completed document of a job, in record order (the recordKey ends with the index). */
export async function jobDocuments(services: Services, job: GenerationJob): Promise<GeneratedPdf[]> {
  const all: GeneratedPdf[] = [];
  for (let page = 1; ; page++) {
    const res = await services.repos.generatedPdfs.listByUser(job.userId, { jobId: job.id, status: 'completed', page, limit: 100 });
    all.push(...res.items);
    if (all.length >= res.total || res.items.length === 0) break;
  }
  const index = (p: GeneratedPdf) => Number(p.recordKey.split(':').pop());
  return all.sort((a, b) => index(a) - index(b));
}

async function bytesOf(services: Services, pdf: GeneratedPdf): Promise<Uint8Array> {
  return new Uint8Array(await buffer((await services.blobs.get('generated', pdf.storageKey!)).body));
}

/**
 * The merged result: the merge on an engine thread (src/pdf/stream-merge.ts), its output piped to
 * the blob store as it is made. Without output options one record is in memory at a time; with them
 * (PDF/A, signature, encryption, metadata, which rewrite and sign the whole file) the thread holds
 * the merged file while it applies them (src/pdf/merge-output.ts), and this thread only pipes.
 */
async function putMerged(services: Services, job: GenerationJob, key: string, source: MergeSource): Promise<void> {
  const options = jobOutputOptions(job);
  const output = options && !isEmptyOutput(options) ? { options, secrets: await jobSecrets(services, job, options) } : undefined;
  const out = new PassThrough();
  const stored = services.blobs.put('generated', key, out, { contentType: 'application/pdf' });
  // A store that stops early (an error) must not leave the merge waiting for 'drain'.
  const ended = stored.then(() => {
    throw new Error('the blob store finished before the merge did');
  });
  ended.catch(() => {});
  try {
    await mergeIsolated(
      source,
      async (chunk) => {
        if (!out.write(chunk)) await Promise.race([once(out, 'drain'), ended]);
      },
      services.config.engine,
      output,
    );
  } catch (e) {
    out.destroy(e as Error);
    await stored.catch(() => {});
    throw e;
  }
  out.end();
  await stored;
}

/**
 * The merged PDF or the zip of a finished job, written to the generated bucket. Idempotent: the
 * same key is rewritten with the same content when a finalize message is redelivered.
 */
export async function buildJobResult(services: Services, job: GenerationJob): Promise<string | null> {
  if (job.output === 'individual') return null;
  const docs = await jobDocuments(services, job);
  if (docs.length === 0) return null;
  const key = jobResultKey(job);
  if (job.output === 'merged') {
    await putMerged(services, job, key, { count: docs.length, fetch: (i) => bytesOf(services, docs[i]) });
    return key;
  }
  // zip: streamed entry by entry (yazl), so a large batch is never held in memory at once.
  const zip = new yazl.ZipFile();
  const out = new PassThrough();
  zip.outputStream.pipe(out);
  const stored = services.blobs.put('generated', key, out, { contentType: 'application/zip' });
  for (const doc of docs) {
    const index = Number(doc.recordKey.split(':').pop());
    // Lazy: each blob is opened only when the zip reaches it.
    zip.addReadStreamLazy(`record-${String(index + 1).padStart(5, '0')}.pdf`, { compress: false }, (cb) => {
      services.blobs.get('generated', doc.storageKey!).then(
        (o) => cb(null, o.body),
        (err: Error) => cb(err, undefined as never),
      );
    });
  }
  zip.end();
  await stored;
  return key;
}
