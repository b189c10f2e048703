import { MessageChannel } from 'node:worker_threads';
import { enginePool, type EngineSettings } from './engine-pool.js';
import { fromFailure } from './engine-tasks.js';
import type { FromMerger, MergeTask, ToMerger } from './merge-task.js';
import type { OutputOptions } from '@/shared/domain/output.js';
import type { OutputSecrets } from './output/index.js';
import type { MergeSink, MergeSource, MergeSummary } from './stream-merge.js';

/**
 * The streaming merge off the calling thread: a task of the engine pool (merge-task.ts) that
 * pulls the source documents through `source.fetch` one at a time and hands the output to `sink`
 * as it is produced. Without a pool (threads 0, or none could start) it runs here, still one
 * document at a time.
 */

const counters = { merges: 0, inWorker: 0, last: undefined as MergeSummary | undefined };

/** Merges so far in this process, how many ran on an engine thread, and the last one's summary. */
export function mergeStats(): { merges: number; inWorker: number; last?: MergeSummary } {
  return { ...counters };
}

function record(summary: MergeSummary): MergeSummary {
  counters.merges++;
  if (!summary.mainThread) counters.inWorker++;
  counters.last = summary;
  return summary;
}

/** `output`: options for the merged file, applied on the same thread (merge-output.ts). */
export async function mergeIsolated(
  source: MergeSource,
  sink: MergeSink,
  settings: EngineSettings,
  output?: { options: OutputOptions; secrets?: OutputSecrets },
): Promise<MergeSummary> {
  const pool = settings.threads > 0 ? await enginePool(settings) : undefined;
  if (!pool) {
    // The engine is loaded here only when there is no pool (engine-pool.ts).
    const { mergeWithOutput } = await import('./merge-output.js');
    return record(await mergeWithOutput(source, sink, output?.options, output?.secrets));
  }
  const { port1, port2 } = new MessageChannel();
  // The sink's failure ends the merge: its error is kept and the task is told nothing more comes.
  let sinkError: unknown;
  let queue = Promise.resolve();
  port1.on('message', (m: FromMerger) => {
    if ('need' in m) {
      source.fetch(m.need).then(
        (bytes) => {
          // A copy is transferred: the caller's buffer may be shared (Node's pool) or still in use.
          const own = bytes.slice();
          port1.postMessage({ doc: m.need, bytes: own } satisfies ToMerger, [own.buffer as ArrayBuffer]);
        },
        (e: unknown) => port1.postMessage({ fail: m.need, message: e instanceof Error ? e.message : String(e) } satisfies ToMerger),
      );
      return;
    }
    // Chunks reach the sink in order, one after the other; each is acked once the sink took it.
    queue = queue.then(async () => {
      if (sinkError !== undefined) return;
      try {
        await sink(m.chunk);
        port1.postMessage({ ack: m.seq } satisfies ToMerger);
      } catch (e) {
        sinkError = e;
        port1.close();
      }
    });
  });
  try {
    const task: MergeTask = { kind: 'merge', count: source.count, port: port2, output: output?.options, secrets: output?.secrets };
    const r = await pool.task(task, undefined, [port2]);
    await queue;
    if (sinkError !== undefined) throw sinkError;
    if ('failed' in r) throw fromFailure(r.failed);
    if (!('merged' in r)) throw new Error('engine worker returned no merge');
    return record(r.merged);
  } finally {
    port1.close();
  }
}
