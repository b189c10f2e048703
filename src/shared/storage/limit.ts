import { Readable, Transform, type TransformCallback } from 'node:stream';
import { BlobTooLargeError } from './types.js';

/** Counts bytes passing through and fails the pipeline with BlobTooLargeError past maxBytes. */
export class ByteCounter extends Transform {
  bytes = 0;
  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) cb(new BlobTooLargeError(this.maxBytes));
    else cb(null, chunk);
  }
}

export function toReadable(body: Readable | Uint8Array): Readable {
  return body instanceof Uint8Array ? Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]) : body;
}
