import { afterAll, beforeAll, expect, it } from 'vitest';
import { acquirePool, closeBatchPool, templateKey, type BatchPool, type PoolLease } from '@/pdf/batch-pool.js';
import type { EngineTask } from '@/pdf/batch-worker.js';
import { PdfError } from '@/pdf/errors.js';
import { RenderGroups, MAX_GROUP, type BudgetedRun } from '@/pdf/render-groups.js';
import { pageText } from '../helpers/pdf-readback.js';
import { dataUrl, pngDeclaring } from '../hostile/bombs.js';
import { field, makeBase } from './render/support.js';

/**
 * Documents asked for while the one engine thread is busy leave in groups (fewer tasks than
 * documents), each comes back with its own data, and a group stopped over its time budget is sent
 * again document by document so only the document at fault fails, typed.
 */
let lease: PoolLease;
const sent: EngineTask['kind'][] = [];
let counting: BatchPool;

// Every scanline present: decoding really inflates 484 MB, for several seconds (well past the 3 s
// budget below), where a normal document takes milliseconds and a replaced thread's start-up about
// a second on a loaded machine (a budget runs from the ask).
const BOMB = dataUrl(pngDeclaring(11000, 11000, 11000 * (11000 * 4 + 1)), 'png');
const LIMITS = { maxImagePixels: 200_000_000, maxImageBytes: 1 << 30 };
const BUDGET_MS = 3000;

const budgeted: BudgetedRun = async (timeoutMs, run) => {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return await run(signal);
  } catch (e) {
    if (signal.aborted) throw new PdfError('render_timeout', `over ${timeoutMs} ms`, { timeoutMs });
    throw e;
  }
};

let groups: RenderGroups;

beforeAll(async () => {
  const template = {
    base: await makeBase(1),
    fields: [
      field({ bindingKey: 'name' }),
      field({ type: 'image', bindingKey: 'logo', position: { x: 50, y: 300 }, size: { width: 100, height: 50 } }),
    ],
  };
  lease = (await acquirePool(1))!;
  await lease.pool.whenReady;
  counting = {
    ...lease.pool,
    threads: lease.pool.threads,
    task: (task, signal, transfer) => {
      sent.push(task.kind);
      return lease.pool.task(task, signal, transfer);
    },
  };
  groups = new RenderGroups(templateKey(template), counting, async () => template, BUDGET_MS, budgeted);
}, 60_000);

afterAll(async () => {
  lease?.release();
  await closeBatchPool();
});

it('sends the documents waiting for a busy thread as groups, each document with its own data', async () => {
  sent.length = 0;
  const n = 48;
  const docs = await Promise.all(Array.from({ length: n }, (_, i) => groups.render({ name: `Customer ${i}` })));
  for (const [i, doc] of docs.entries()) expect(await pageText(doc.bytes)).toContain(`Customer ${i}`);
  const groupTasks = sent.filter((k) => k === 'render-group').length;
  expect(groupTasks).toBeGreaterThan(0);
  // At most three single documents start before the thread is busy (one running, two queued); the rest wait and group.
  expect(sent.length).toBeLessThanOrEqual(3 + Math.ceil(n / 2));
  expect(sent.length).toBeGreaterThanOrEqual(Math.ceil(n / MAX_GROUP));
});

it('a group stopped over its budget is sent again one by one: only the document at fault fails, typed', async () => {
  sent.length = 0;
  const asks = Array.from({ length: 6 }, (_, i) =>
    groups.render(i === 3 ? { name: 'Bomb', logo: BOMB } : { name: `Fine ${i}` }, { limits: LIMITS }),
  );
  const settled = await Promise.allSettled(asks);
  const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [i] : []));
  expect(failed).toEqual([3]);
  const reason = (settled[3] as PromiseRejectedResult).reason as PdfError;
  expect(reason).toBeInstanceOf(PdfError);
  expect(reason.code).toBe('render_timeout');
  for (const i of [0, 1, 2, 4, 5]) {
    const doc = (settled[i] as PromiseFulfilledResult<{ bytes: Uint8Array }>).value;
    expect(await pageText(doc.bytes)).toContain(`Fine ${i}`);
  }
  expect(sent).toContain('render-group');
}, 60_000);
