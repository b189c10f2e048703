import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FieldSpec } from '@/shared/domain/field.js';
import { DEFAULT_STYLE, makeField, withRect, type EditorField } from './fields.js';
import { diffFields, FieldSaver, type FieldsApi, type PositionUpdate, type SaveStatus } from './saver.js';

/** An in-memory stand-in for the fields endpoints that can be told to fail. */
class FakeServer implements FieldsApi {
  rows = new Map<string, FieldSpec>();
  calls: string[] = [];
  failNext = 0;
  private n = 0;

  private maybeFail(): void {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('network down');
    }
  }
  async createField(spec: FieldSpec) {
    this.calls.push('create');
    this.maybeFail();
    const fieldId = `f${++this.n}`;
    this.rows.set(fieldId, spec);
    return { fieldId };
  }
  async upsertFields(fields: (FieldSpec & { fieldId: string })[]) {
    this.calls.push(`upsert:${fields.length}`);
    this.maybeFail();
    for (const { fieldId, ...spec } of fields) this.rows.set(fieldId, spec);
  }
  async updatePositions(updates: PositionUpdate[]) {
    this.calls.push(`positions:${updates.length}`);
    this.maybeFail();
    for (const u of updates) {
      const row = this.rows.get(u.fieldId)!;
      this.rows.set(u.fieldId, {
        ...row,
        position: u.position,
        size: u.size,
        page: u.page,
        layout: { ...row.layout, layerOrder: u.layerOrder },
      });
    }
  }
  async deleteField(fieldId: string) {
    this.calls.push('delete');
    this.maybeFail();
    this.rows.delete(fieldId);
  }
}

const field = (x: number): EditorField => makeField('text', 1, { x, y: 10, width: 100, height: 20 }, DEFAULT_STYLE, new Set([`text${x}`]));

describe('diffFields', () => {
  it('sorts changes into creates, position-only updates, upserts and deletes', () => {
    const a = { ...field(1), key: 'A' };
    const b = { ...field(2), key: 'B' };
    const c = { ...field(3), key: 'C' };
    const saved = new Map([a, b, c].map((f) => [f.key, { fieldId: f.key, spec: (({ key: _k, ...s }) => s)(f) }]));
    const d = field(4);
    const ops = diffFields([withRect(a, { x: 50, y: 50, width: 10, height: 10 }), { ...b, name: 'renamed' }, d], saved);
    expect(ops.positions.map((p) => p.update)).toEqual([
      { fieldId: 'A', position: { x: 50, y: 50 }, size: { width: 10, height: 10 }, page: 1, layerOrder: 0 },
    ]);
    expect(ops.upserts.map((u) => u.fieldId)).toEqual(['B']);
    expect(ops.creates).toEqual([d]);
    expect(ops.deletes).toEqual([{ key: 'C', fieldId: 'C' }]);
  });
});

describe('FieldSaver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('debounces edits into one save and reports unsaved → saving → saved', async () => {
    const server = new FakeServer();
    const statuses: SaveStatus[] = [];
    const saver = new FieldSaver(server, [], { debounceMs: 500, onStatus: (s) => statuses.push(s) });
    const f = field(1);
    saver.update([f]);
    saver.update([withRect(f, { x: 20, y: 10, width: 100, height: 20 })]);
    expect(saver.hasUnsaved()).toBe(true);
    await vi.advanceTimersByTimeAsync(499);
    expect(server.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    expect(server.calls).toEqual(['create']);
    expect([...server.rows.values()][0].position).toEqual({ x: 20, y: 10 });
    expect(statuses).toEqual(['unsaved', 'saving', 'saved']);
    expect(saver.hasUnsaved()).toBe(false);
    expect(saver.fieldIdOf(f.key)).toBe('f1');
    expect(saver.keyOfFieldId('f1')).toBe(f.key);
  });

  it('sends moves through the position batch and other edits through the upsert', async () => {
    const server = new FakeServer();
    const a = field(1);
    const saver = new FieldSaver(server, [], { debounceMs: 10 });
    saver.update([a]);
    await vi.advanceTimersByTimeAsync(20);
    saver.update([withRect(a, { x: 99, y: 99, width: 100, height: 20 })]);
    await vi.advanceTimersByTimeAsync(20);
    saver.update([{ ...withRect(a, { x: 99, y: 99, width: 100, height: 20 }), bindingKey: 'customer.name' }]);
    await vi.advanceTimersByTimeAsync(20);
    saver.update([]);
    await vi.advanceTimersByTimeAsync(20);
    expect(server.calls).toEqual(['create', 'positions:1', 'upsert:1', 'delete']);
    expect(server.rows.size).toBe(0);
  });

  it('retries with exponential backoff after failures and loses nothing', async () => {
    const server = new FakeServer();
    server.failNext = 2;
    const statuses: SaveStatus[] = [];
    const saver = new FieldSaver(server, [], { debounceMs: 10, baseBackoffMs: 1000, onStatus: (s) => statuses.push(s) });
    const a = field(1);
    saver.update([a]);
    await vi.advanceTimersByTimeAsync(20);
    expect(saver.status).toBe('failed');
    expect(String(saver.lastError)).toContain('network down');
    // An edit while failed is kept for the retry.
    const moved = withRect(a, { x: 42, y: 10, width: 100, height: 20 });
    saver.update([moved]);
    // failed at t=10 → retry at 1010; fails again → retry 2 s later, at 3010
    await vi.advanceTimersByTimeAsync(980);
    expect(server.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(server.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1980);
    expect(server.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(20);
    expect(saver.status).toBe('saved');
    expect([...server.rows.values()][0].position.x).toBe(42);
    expect(statuses.filter((s) => s === 'failed')).toHaveLength(2);
  });

  it('flush saves immediately and rejects when the save fails', async () => {
    const server = new FakeServer();
    const saver = new FieldSaver(server, [], { debounceMs: 10_000 });
    saver.update([field(1)]);
    await saver.flush();
    expect(server.rows.size).toBe(1);
    server.failNext = 1;
    saver.update([field(1), field(2)]);
    await expect(saver.flush()).rejects.toThrow('network down');
    saver.dispose();
  });

  it('does not re-create fields the server already has (loaded or imported)', async () => {
    const server = new FakeServer();
    const loaded = { ...field(1), key: 'srv-1' };
    const saver = new FieldSaver(server, [loaded], { debounceMs: 10 });
    const imported = { ...field(2), key: 'srv-2' };
    saver.markSaved([imported]);
    saver.update([loaded, imported]);
    await vi.advanceTimersByTimeAsync(50);
    expect(server.calls).toEqual([]);
    expect(saver.status).toBe('saved');
  });
});
