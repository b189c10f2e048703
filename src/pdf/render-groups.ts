import type { BatchPool } from './batch-pool.js';
import type { EngineTaskResult, TemplateInputs } from './batch-worker.js';
import { fromFailure, type RenderGroupTask, type RenderTask } from './engine-tasks.js';
import type { GenerateOptions, GeneratedDocument } from './types.js';

/** Documents per message at most: enough to make the message's own cost small beside rendering. */
export const MAX_GROUP = 16;

interface Waiting {
  payload: Record<string, unknown>;
  options?: GenerateOptions;
  resolve(doc: GeneratedDocument): void;
  reject(err: unknown): void;
}

/** Runs one pool task under a time budget (engine-pool.ts's `budgeted`, with the budget in ms). */
export type BudgetedRun = <T>(timeoutMs: number, run: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * The renders of one template on the shared pool. While every thread is busy, the documents asked
 * for meanwhile wait here and leave as one task, so a job's thousands of records cost a message,
 * a timer and an abort listener per group instead of per document (on a 2-core machine these were
 * a quarter of the API thread's work in a job). An idle pool gets each document at once, so a
 * single request waits for nothing.
 *
 * A group has one document's time budget in all, so no document in it ever gets more time than it
 * would alone (groups are of documents that take milliseconds; a budget is seconds). A group that
 * is stopped (over time or heap) is sent again one document per task, each with its own budget, so
 * the document at fault fails alone with render_timeout and the others are still made.
 */
export class RenderGroups {
  private readonly waiting: Waiting[] = [];
  private running = 0;

  constructor(
    private readonly key: string,
    private readonly pool: BatchPool,
    private readonly load: () => Promise<TemplateInputs>,
    private readonly timeoutMs: number,
    private readonly budgeted: BudgetedRun,
  ) {}

  render(payload: Record<string, unknown>, options?: GenerateOptions): Promise<GeneratedDocument> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ payload, options, resolve, reject });
      this.pump();
    });
  }

  /**
   * Two groups more than threads are in flight, so a thread that ends one finds the next queued
   * (the documents of the one it ended are still being stored and the next ones prepared).
   */
  private pump(): void {
    while (this.running < this.pool.threads + 2 && this.waiting.length > 0) {
      const group = this.waiting.splice(0, MAX_GROUP);
      this.running++;
      void this.send(group).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async send(group: Waiting[]): Promise<void> {
    if (group.length === 1) return this.alone(group[0]);
    let results;
    try {
      results = await this.budgeted(this.timeoutMs, async (signal) => {
        const items = group.map(({ payload, options }) => ({ payload, options }));
        const r = await this.compiledTask({ kind: 'render-group', key: this.key, items }, signal);
        if (!('results' in r)) throw new Error('engine worker returned no documents');
        return r.results;
      });
    } catch {
      // The group's thread was stopped (or lost): find the document at fault by rendering each alone,
      // one after another (a budget runs from the ask, so documents queued behind the one at fault
      // would spend theirs waiting).
      for (const w of group) await this.alone(w);
      return;
    }
    results.forEach((r, i) => ('doc' in r ? group[i].resolve(r.doc) : group[i].reject(fromFailure(r.failed))));
  }

  private async alone(w: Waiting): Promise<void> {
    try {
      const doc = await this.budgeted(this.timeoutMs, async (signal) => {
        const r = await this.compiledTask({ kind: 'render', key: this.key, payload: w.payload, options: w.options }, signal);
        if ('failed' in r) throw fromFailure(r.failed);
        if (!('doc' in r)) throw new Error('engine worker returned no document');
        return r.doc;
      });
      w.resolve(doc);
    } catch (err) {
      w.reject(err);
    }
  }

  /** A task naming the template by key, sent again with its inputs when the thread has not compiled it. */
  private async compiledTask(task: RenderTask | RenderGroupTask, signal: AbortSignal): Promise<EngineTaskResult> {
    const r = await this.pool.task(task, signal);
    return 'missing' in r ? this.pool.task({ ...task, template: await this.load() }, signal) : r;
  }
}
