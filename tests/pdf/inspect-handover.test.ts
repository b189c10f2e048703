/**
 * An upload's bytes move to the inspection thread instead of being copied there on the API's
 * thread: with handOver, a buffer the caller fills alone is transferred (detached here afterwards);
 * without it, or for a view into a shared buffer, the caller keeps its bytes.
 */
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { closeBatchPool } from '@/pdf/batch-pool.js';
import { inspectIsolated, type EngineSettings } from '@/pdf/engine-pool.js';

const settings: EngineSettings = { threads: 1, renderTimeoutMs: 60_000, inspectTimeoutMs: 60_000 };

async function onePage(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([200, 100]);
  return new Uint8Array(await doc.save()); // its own ArrayBuffer, exactly as long as the file
}

describe('inspectIsolated on the pool', () => {
  afterAll(() => closeBatchPool());

  it('moves the bytes to the thread when handed over, and leaves them otherwise', async () => {
    const kept = await onePage();
    expect((await inspectIsolated(kept, {}, settings)).pageCount).toBe(1);
    expect(kept.byteLength).toBeGreaterThan(0);

    const moved = await onePage();
    expect((await inspectIsolated(moved, {}, settings, true)).pageCount).toBe(1);
    expect(moved.byteLength).toBe(0);
  });

  it('copies a view into a larger buffer even when handed over (the rest of it is not the caller’s to give)', async () => {
    const file = await onePage();
    const backing = new Uint8Array(file.byteLength + 16);
    backing.set(file, 8);
    const view = backing.subarray(8, 8 + file.byteLength);
    expect((await inspectIsolated(view, {}, settings, true)).pageCount).toBe(1);
    expect(backing.byteLength).toBe(file.byteLength + 16);
  });
});
