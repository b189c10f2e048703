import type { OutputOptions } from '@/shared/domain/output.js';
import { applyOutput, type OutputSecrets } from './output/index.js';
import { streamMerge, type MergeSink, type MergeSource, type MergeSummary } from './stream-merge.js';

const CHUNK = 256 * 1024;

/**
 * The merge of a result that carries output options (metadata, PDF/A, signature, encryption). Those
 * rewrite and sign the complete file, so here, unlike the plain streaming merge, the merged file is
 * held whole while they are applied; it runs wherever the merge runs (on an engine thread in the
 * service), so neither the file nor the work is on the thread that answers requests. Without
 * options it is the streaming merge, one record in memory at a time.
 */
export async function mergeWithOutput(
  source: MergeSource,
  sink: MergeSink,
  output?: OutputOptions,
  secrets?: OutputSecrets,
): Promise<MergeSummary> {
  if (!output) return streamMerge(source, sink);
  const parts: Uint8Array[] = [];
  const summary = await streamMerge(source, (chunk) => void parts.push(chunk));
  const doc = await applyOutput({ bytes: new Uint8Array(Buffer.concat(parts)), pageCount: summary.pages, warnings: [] }, output, {
    payload: {},
    secrets,
  });
  parts.length = 0;
  for (let at = 0; at < doc.bytes.length; at += CHUNK) await sink(doc.bytes.subarray(at, at + CHUNK));
  return { ...summary, bytes: doc.bytes.length };
}
