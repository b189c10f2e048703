import type { Readable } from 'node:stream';
import { AppError } from '@/shared/errors.js';
import type { BlobStore, BucketName } from '@/shared/storage/index.js';

/**
 * Reads a whole blob into memory. Only for what must be parsed as a whole (a PDF to inspect or
 * render, a version snapshot); uploads and downloads stream and never come through here.
 */
export async function readAll(blobs: BlobStore, bucket: BucketName, key: string, maxBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
  const object = await blobs.get(bucket, key);
  if (object.size > maxBytes) {
    object.body.destroy();
    throw new AppError('file_too_large', `the stored object is ${object.size} bytes; the limit is ${maxBytes}`);
  }
  return streamToBytes(object.body, maxBytes);
}

export async function streamToBytes(body: Readable, maxBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += buf.length;
    if (total > maxBytes) {
      body.destroy();
      throw new AppError('file_too_large', `the stored object exceeds the limit of ${maxBytes} bytes`);
    }
    chunks.push(buf);
  }
  const all = Buffer.concat(chunks, total);
  return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
}
