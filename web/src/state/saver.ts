import type { FieldSpec } from '@/shared/domain/field.js';
import { toSpec, type EditorField } from './fields.js';

/**
 * Persists the editor's fields through the API: debounced, one save at a time, diffed against what
 * the server is known to hold, with retry and exponential backoff when the network or the server
 * fails. Moves/resizes/layer changes go through the batch position update; other edits through the
 * batch upsert; new fields are created one by one (the response gives their fieldId); removed
 * fields are deleted. Nothing is dropped on failure: the diff is recomputed on every attempt.
 */

export interface PositionUpdate {
  fieldId: string;
  position: { x: number; y: number };
  size: { width: number; height: number };
  page: number;
  layerOrder: number;
}

export interface FieldsApi {
  createField(spec: FieldSpec): Promise<{ fieldId: string }>;
  upsertFields(fields: (FieldSpec & { fieldId: string })[]): Promise<void>;
  updatePositions(updates: PositionUpdate[]): Promise<void>;
  deleteField(fieldId: string): Promise<void>;
}

export interface SavedEntry {
  fieldId: string;
  spec: FieldSpec;
}

export interface SaveOps {
  creates: EditorField[];
  upserts: { key: string; fieldId: string; spec: FieldSpec }[];
  positions: { key: string; spec: FieldSpec; update: PositionUpdate }[];
  deletes: { key: string; fieldId: string }[];
}

export type SaveStatus = 'saved' | 'unsaved' | 'saving' | 'failed';

/** Structural equality of JSON-like values (key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function withoutGeometry(s: FieldSpec): unknown {
  return { ...s, position: null, size: null, page: null, layout: { ...s.layout, layerOrder: null } };
}

export function diffFields(current: readonly EditorField[], saved: ReadonlyMap<string, SavedEntry>): SaveOps {
  const ops: SaveOps = { creates: [], upserts: [], positions: [], deletes: [] };
  const keys = new Set<string>();
  for (const f of current) {
    keys.add(f.key);
    const spec = toSpec(f);
    const prev = saved.get(f.key);
    if (!prev) {
      ops.creates.push(f);
      continue;
    }
    if (deepEqual(prev.spec, spec)) continue;
    if (deepEqual(withoutGeometry(prev.spec), withoutGeometry(spec))) {
      ops.positions.push({
        key: f.key,
        spec,
        update: { fieldId: prev.fieldId, position: spec.position, size: spec.size, page: spec.page, layerOrder: spec.layout.layerOrder },
      });
    } else {
      ops.upserts.push({ key: f.key, fieldId: prev.fieldId, spec });
    }
  }
  for (const [key, entry] of saved) if (!keys.has(key)) ops.deletes.push({ key, fieldId: entry.fieldId });
  return ops;
}

export function isEmpty(ops: SaveOps): boolean {
  return ops.creates.length + ops.upserts.length + ops.positions.length + ops.deletes.length === 0;
}

export interface SaverOptions {
  debounceMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  onStatus?: (status: SaveStatus, error?: unknown) => void;
}

export class FieldSaver {
  private saved = new Map<string, SavedEntry>();
  private latest: readonly EditorField[];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  private disposed = false;
  status: SaveStatus = 'saved';
  lastError: unknown = null;

  constructor(
    private readonly api: FieldsApi,
    initial: readonly EditorField[],
    private readonly opts: SaverOptions = {},
  ) {
    for (const f of initial) this.saved.set(f.key, { fieldId: f.key, spec: toSpec(f) });
    this.latest = initial;
  }

  /** The server's id of an editor field, once it has been created. */
  fieldIdOf(key: string): string | undefined {
    return this.saved.get(key)?.fieldId;
  }

  keyOfFieldId(fieldId: string): string | undefined {
    for (const [key, e] of this.saved) if (e.fieldId === fieldId) return key;
    return undefined;
  }

  /** Tells the saver that the server already holds these fields (e.g. imported by the API). */
  markSaved(fields: readonly EditorField[]): void {
    for (const f of fields) this.saved.set(f.key, { fieldId: f.key, spec: toSpec(f) });
  }

  hasUnsaved(): boolean {
    return this.running !== null || !isEmpty(diffFields(this.latest, this.saved));
  }

  update(fields: readonly EditorField[]): void {
    this.latest = fields;
    if (isEmpty(diffFields(fields, this.saved))) {
      if (!this.running && this.status !== 'saved') this.setStatus('saved');
      return;
    }
    if (this.status !== 'saving' && this.status !== 'failed') this.setStatus('unsaved');
    if (this.status !== 'failed') this.schedule(this.opts.debounceMs ?? 800);
  }

  /** Saves now (and waits); resolves when everything known is saved, rejects if the attempt failed. */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.running) await this.running.catch(() => undefined);
    if (isEmpty(diffFields(this.latest, this.saved))) return;
    await this.run(true);
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
  }

  private setStatus(s: SaveStatus, error?: unknown): void {
    // Every failure is reported (the error may differ); other states only when they change.
    if (s === this.status && s !== 'failed') return;
    this.status = s;
    this.opts.onStatus?.(s, error);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    if (this.disposed) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) return; // the running save reschedules itself when done
      void this.run(false).catch(() => undefined);
    }, ms);
  }

  private async run(throwOnError: boolean): Promise<void> {
    const attempt = this.saveOnce();
    this.running = attempt;
    try {
      await attempt;
      this.failures = 0;
      this.lastError = null;
      this.running = null;
      if (!isEmpty(diffFields(this.latest, this.saved))) {
        this.setStatus('unsaved');
        this.schedule(this.opts.debounceMs ?? 800);
      } else {
        this.setStatus('saved');
      }
    } catch (err) {
      this.running = null;
      this.failures += 1;
      this.lastError = err;
      this.setStatus('failed', err);
      const base = this.opts.baseBackoffMs ?? 1000;
      this.schedule(Math.min(base * 2 ** (this.failures - 1), this.opts.maxBackoffMs ?? 30_000));
      if (throwOnError) throw err;
    }
  }

  private async saveOnce(): Promise<void> {
    this.setStatus('saving');
    const ops = diffFields(this.latest, this.saved);
    for (const d of ops.deletes) {
      await this.api.deleteField(d.fieldId);
      this.saved.delete(d.key);
    }
    for (const c of ops.creates) {
      const spec = toSpec(c);
      const { fieldId } = await this.api.createField(spec);
      this.saved.set(c.key, { fieldId, spec });
    }
    if (ops.upserts.length > 0) {
      await this.api.upsertFields(ops.upserts.map((u) => ({ ...u.spec, fieldId: u.fieldId })));
      for (const u of ops.upserts) this.saved.set(u.key, { fieldId: u.fieldId, spec: u.spec });
    }
    if (ops.positions.length > 0) {
      await this.api.updatePositions(ops.positions.map((p) => p.update));
      for (const p of ops.positions) this.saved.set(p.key, { fieldId: p.update.fieldId, spec: p.spec });
    }
  }
}
