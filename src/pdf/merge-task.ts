import type { MessagePort } from 'node:worker_threads';
import { toFailure, type TaskFailure } from './engine-tasks.js';
import type { OutputOptions } from '@/shared/domain/output.js';
import { mergeWithOutput } from './merge-output.js';
import type { OutputSecrets } from './output/index.js';
import type { MergeSummary } from './stream-merge.js';

/**
 * The streaming merge as a task of the engine pool (stream-merge.ts). The task carries one end of
 * a MessageChannel; over it the thread asks the calling side for each source document in turn
 * (`need`, answered `doc` with its bytes transferred, or `fail`) and sends the output in chunks
 * (`chunk`, transferred), of which at most WINDOW go unacknowledged: the caller acks a chunk once
 * its sink has taken it, so a slow blob store slows the merge instead of queueing output in memory.
 * The task answers only after every chunk was acknowledged, so its result follows all the output.
 */

export interface MergeTask {
  kind: 'merge';
  count: number;
  port: MessagePort;
  /** Options applied to the merged file (merge-output.ts), with the secrets they need. */
  output?: OutputOptions;
  secrets?: OutputSecrets;
}
export type MergeTaskResult = { merged: MergeSummary } | { failed: TaskFailure };

export type ToMerger = { doc: number; bytes: Uint8Array } | { fail: number; message: string } | { ack: number };
export type FromMerger = { need: number } | { chunk: Uint8Array; seq: number };

export const WINDOW = 4;

/** A view that owns its whole ArrayBuffer (safe to transfer: never a slice of Node's shared pool). */
export function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes
    : bytes.slice();
}

export async function mergeTask(task: MergeTask): Promise<MergeTaskResult> {
  const { port } = task;
  const docs = new Map<number, { resolve(b: Uint8Array): void; reject(e: Error): void }>();
  let acked = 0;
  let closed = false;
  let wake: (() => void) | undefined;
  // The caller closes its end when it gives up (its sink failed): nothing more is acked or sent.
  port.on('close', () => {
    closed = true;
    wake?.();
    for (const w of docs.values()) w.reject(new Error('the merge was abandoned by its caller'));
    docs.clear();
  });
  port.on('message', (m: ToMerger) => {
    if ('ack' in m) {
      acked = Math.max(acked, m.ack);
      wake?.();
      return;
    }
    const index = 'doc' in m ? m.doc : m.fail;
    const waiter = docs.get(index);
    docs.delete(index);
    if ('doc' in m) waiter?.resolve(m.bytes);
    else waiter?.reject(new Error(m.message));
  });
  const ackedUpTo = async (seq: number) => {
    while (acked < seq) {
      if (closed) throw new Error('the merge was abandoned by its caller');
      await new Promise<void>((r) => (wake = r));
    }
  };
  let seq = 0;
  try {
    const summary = await mergeWithOutput(
      {
        count: task.count,
        fetch: (index) =>
          new Promise<Uint8Array>((resolve, reject) => {
            if (closed) return reject(new Error('the merge was abandoned by its caller'));
            docs.set(index, { resolve, reject });
            port.postMessage({ need: index } satisfies FromMerger);
          }),
      },
      async (chunk) => {
        const own = ownBuffer(chunk);
        seq++;
        port.postMessage({ chunk: own, seq } satisfies FromMerger, [own.buffer as ArrayBuffer]);
        await ackedUpTo(seq - WINDOW);
      },
      task.output,
      task.secrets,
    );
    await ackedUpTo(seq);
    return { merged: summary };
  } catch (e) {
    return { failed: toFailure(e) };
  } finally {
    port.close();
  }
}
