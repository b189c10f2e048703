import fs from 'node:fs';
import path from 'node:path';
import { PdfError } from '@/pdf/errors.js';
import { inspect, type InspectResult } from '@/pdf/inspect/index.js';
import { corpusDir, listPdfs } from '../../helpers/corpus.js';

/** Both folders of the shared real-world corpus, as one sorted list (folder/name). */
export const CORPUS_FOLDERS = ['pdf-lib', 'qpdf'] as const;

export interface CorpusFile {
  /** folder/name, as counted and reported */
  id: string;
  file: string;
}

export function corpusFiles(): { files: CorpusFile[]; skipReason: string | undefined } {
  const files: CorpusFile[] = [];
  const missing: string[] = [];
  for (const folder of CORPUS_FOLDERS) {
    const loc = corpusDir(folder);
    if (!loc.dir) {
      missing.push(loc.skipReason!);
      continue;
    }
    for (const file of listPdfs(loc.dir)) files.push({ id: `${folder}/${path.basename(file)}`, file });
  }
  return { files, skipReason: missing.length ? missing.join('; ') : undefined };
}

export function readFile(f: CorpusFile): Uint8Array {
  return new Uint8Array(fs.readFileSync(f.file));
}

/** Per-file bound of inspection (the engine's own deadline answers a typed error past it). */
export const INSPECT_LIMITS = { maxBytes: 100 * 1024 * 1024, maxPages: 2000, timeoutMs: 20_000 };

export type Outcome =
  | { kind: 'opened'; result: InspectResult }
  | { kind: 'refused'; code: string; reason: unknown; message: string }
  | { kind: 'untyped'; message: string };

export async function inspectOutcome(bytes: Uint8Array): Promise<Outcome> {
  try {
    return { kind: 'opened', result: await inspect(bytes, { limits: INSPECT_LIMITS }) };
  } catch (err) {
    if (err instanceof PdfError) return { kind: 'refused', code: err.code, reason: err.details?.reason, message: err.message };
    return { kind: 'untyped', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}

/** "opened" or the error code: the key counts are listed under. */
export function outcomeKey(o: Outcome): string {
  return o.kind === 'opened' ? 'opened' : o.kind === 'refused' ? o.code : 'untyped';
}

/** A defect: an error the engine did not type, or one it typed only as a catch-all. */
export function defectOf(o: Outcome): string | undefined {
  if (o.kind === 'untyped') return `untyped error: ${o.message}`;
  if (o.kind === 'refused' && o.reason === 'unexpected') return `${o.code} with reason 'unexpected': ${o.message}`;
  return undefined;
}

export function countsLine(counts: Map<string, number>): string {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
}
