import type { PdfGenerationMessage } from '@/shared/queue/messages.js';

export type ChunkRecord = NonNullable<PdfGenerationMessage['records']>[number];

/** Records per job message at most by default (JOB_CHUNK_RECORDS), and the JSON size a chunk stops growing at (SQS allows 1 MiB). */
export const CHUNK_RECORDS = 100;
export const CHUNK_BYTES = 256 * 1024;

/**
 * Groups a job's records into chunk messages: up to CHUNK_RECORDS records, and no more than
 * CHUNK_BYTES of payload JSON unless a single record is larger (it then travels alone, and the
 * queue's own size limit decides).
 */
export function chunkRecords(
  records: ChunkRecord[],
  maxRecords: number = CHUNK_RECORDS,
  bytesOf: (r: ChunkRecord) => number = (r) => JSON.stringify(r.payload).length,
): ChunkRecord[][] {
  const chunks: ChunkRecord[][] = [];
  let current: ChunkRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = bytesOf(r);
    if (current.length > 0 && (current.length >= maxRecords || bytes + size > CHUNK_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}
