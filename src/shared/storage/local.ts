import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, rename as renameCb, unlink as unlinkCb, writeFile as writeFileCb } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { ConflictError } from '@/shared/errors.js';
import { assertValidKey, assertValidPrefix } from './keys.js';
import { ByteCounter, toReadable } from './limit.js';
import { buildSignedPath } from './signing.js';
import type {
  BlobInfo,
  BlobObject,
  BlobStore,
  BucketName,
  GetOptions,
  ListOptions,
  ListPage,
  PutOptions,
  PutResult,
  SignedDownloadOptions,
  SignedUploadOptions,
  SignedUrl,
} from './types.js';
import { BlobExistsError, BlobNotFoundError, BlobTooLargeError, BUCKET_NAMES, RangeNotSatisfiableError } from './types.js';

export interface LocalBlobStoreOptions {
  /** `<dataDir>/blobs` by convention; holds one directory per bucket plus `.meta/` and `.tmp/`. */
  root: string;
  /** HMAC secret for signed URLs. */
  signingSecret: string;
  /**
   * Prefix for signed URLs (e.g. the API's public URL); relative URLs when absent. A function is
   * asked on every URL: a server started on port 0 knows its address only once it listens.
   */
  publicBaseUrl?: string | (() => string | undefined);
}

interface Meta {
  contentType: string;
}

/**
 * The hot path of a put (one per generated document) on node:fs's callback API: measured here, a
 * write and a rename through it cost the event loop about half what node:fs/promises does (its
 * FileHandle objects), 42 against 80–98 µs per document.
 */
const writeFast = promisify(writeFileCb);
const renameFast = promisify(renameCb);
const unlinkFast = promisify(unlinkCb);

/** Removes a file that may not exist (one unlink; fs.rm first asks lstat). */
async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await unlinkFast(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * The content type an object of the bucket has when it has no meta file: a job writes thousands of
 * PDFs into `generated`, and a second file per document was a third of the store's file work.
 */
const IMPLIED_TYPE: Partial<Record<BucketName, string>> = { generated: 'application/pdf' };

/**
 * Blobs as files: `<root>/<bucket>/<key>` for bytes and `<root>/.meta/<bucket>/<key>.json` for the
 * content type. Writes stream to `<root>/.tmp/` and are renamed into place, so a reader never sees
 * a partial file and a crash leaves only a temp file behind.
 */
export class LocalBlobStore implements BlobStore {
  readonly driver = 'local' as const;
  private readonly root: string;
  private readonly tmpDir: string;
  /**
   * Directories this store has made (or found). A job writes thousands of objects into a few
   * directories: asking the file system to make each again cost three mkdir calls per object.
   */
  private readonly madeDirs = new Set<string>();

  constructor(private readonly options: LocalBlobStoreOptions) {
    this.root = path.resolve(options.root);
    this.tmpDir = path.join(this.root, '.tmp');
  }

  /** Resolves a key inside its bucket directory, refusing anything that would land outside it. */
  private filePath(bucket: BucketName, key: string, base = this.root, suffix = ''): string {
    assertValidKey(key);
    if (!BUCKET_NAMES.includes(bucket)) throw new Error(`unknown bucket ${String(bucket)}`);
    const dir = path.join(base, bucket);
    const full = path.resolve(dir, ...key.split('/')) + suffix;
    if (!full.startsWith(dir + path.sep)) throw new Error('key resolves outside its bucket'); // unreachable after assertValidKey; defence in depth
    return full;
  }

  private metaPath(bucket: BucketName, key: string): string {
    return this.filePath(bucket, key, path.join(this.root, '.meta'), '.json');
  }

  async put(bucket: BucketName, key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
    const target = this.filePath(bucket, key);
    const metaTarget = this.metaPath(bucket, key);
    const tmp = path.join(this.tmpDir, randomUUID());
    let size: number;
    try {
      size = await this.writeTemp(tmp, body, options.maxBytes);
      // The bucket's usual type is implied by a missing meta file: one file per object, not two.
      const withMeta = options.contentType !== IMPLIED_TYPE[bucket];
      if (withMeta) await fs.writeFile(`${tmp}.json`, JSON.stringify({ contentType: options.contentType } satisfies Meta));
      const placeMeta = () =>
        withMeta ? this.intoDir(metaTarget, () => renameFast(`${tmp}.json`, metaTarget)) : unlinkIfPresent(metaTarget);
      if (options.ifAbsent) {
        // link() fails when the name exists, where rename() would replace it: the bytes claim the
        // key first, so a refused write leaves the stored object and its content type untouched.
        await this.intoDir(target, () => this.linkOnce(bucket, key, tmp, target));
        await fs.rm(tmp, { force: true });
        if (withMeta) await placeMeta();
      } else {
        await placeMeta();
        await this.intoDir(target, () => renameFast(tmp, target));
      }
    } catch (err) {
      await fs.rm(tmp, { force: true });
      await fs.rm(`${tmp}.json`, { force: true });
      if (err instanceof BlobExistsError || err instanceof BlobTooLargeError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      // A key that is both an object and a "directory" of other keys cannot exist on a file system.
      if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') {
        throw new ConflictError('blob_key_conflict', `key ${key} clashes with another key's path in ${bucket}`);
      }
      throw err;
    }
    return { key, size };
  }

  /**
   * Bytes in memory are written in one call (again after remaking a removed temp folder); a stream,
   * which cannot be read twice, is piped through the size limit after a real mkdir.
   */
  private async writeTemp(tmp: string, body: Readable | Uint8Array, maxBytes: number | undefined): Promise<number> {
    if (body instanceof Uint8Array) {
      if (maxBytes !== undefined && body.byteLength > maxBytes) throw new BlobTooLargeError(maxBytes);
      await this.intoDir(tmp, () => writeFast(tmp, body, { flag: 'wx' }));
      return body.byteLength;
    }
    await fs.mkdir(this.tmpDir, { recursive: true });
    const counter = new ByteCounter(maxBytes);
    await pipeline(toReadable(body), counter, createWriteStream(tmp, { flags: 'wx' }));
    return counter.bytes;
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    await fs.mkdir(dir, { recursive: true });
    this.madeDirs.add(dir);
  }

  /**
   * Runs a step that writes `file` into its directory, made first when this store has not made it
   * yet. A directory removed behind the store's back (an emptied data folder) is made again.
   */
  private async intoDir<T>(file: string, step: () => Promise<T>): Promise<T> {
    const dir = path.dirname(file);
    await this.ensureDir(dir);
    try {
      return await step();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.madeDirs.delete(dir);
      this.madeDirs.delete(this.tmpDir);
      await this.ensureDir(this.tmpDir);
      await this.ensureDir(dir);
      return step();
    }
  }

  private async linkOnce(bucket: BucketName, key: string, tmp: string, target: string): Promise<void> {
    try {
      await fs.link(tmp, target);
    } catch (err) {
      // EEXIST is also what a directory of other keys at this name gives: that stays a key clash.
      const stat = (err as NodeJS.ErrnoException).code === 'EEXIST' ? await fs.stat(target).catch(() => undefined) : undefined;
      if (stat?.isFile()) throw new BlobExistsError(bucket, key);
      throw err;
    }
  }

  private async readMeta(bucket: BucketName, key: string): Promise<Meta> {
    try {
      return JSON.parse(await fs.readFile(this.metaPath(bucket, key), 'utf8')) as Meta;
    } catch {
      return { contentType: IMPLIED_TYPE[bucket] ?? 'application/octet-stream' };
    }
  }

  async head(bucket: BucketName, key: string): Promise<BlobInfo | null> {
    const file = this.filePath(bucket, key);
    let stat;
    try {
      stat = await fs.stat(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
      throw err;
    }
    if (!stat.isFile()) return null;
    const meta = await this.readMeta(bucket, key);
    return { key, size: stat.size, contentType: meta.contentType, lastModified: stat.mtime };
  }

  async exists(bucket: BucketName, key: string): Promise<boolean> {
    return (await this.head(bucket, key)) !== null;
  }

  async get(bucket: BucketName, key: string, options: GetOptions = {}): Promise<BlobObject> {
    const info = await this.head(bucket, key);
    if (!info) throw new BlobNotFoundError(bucket, key);
    const { range } = options;
    if (range && (range.start < 0 || range.start >= info.size || (range.end !== undefined && range.end < range.start))) {
      throw new RangeNotSatisfiableError(info.size);
    }
    const body = createReadStream(this.filePath(bucket, key), range ? { start: range.start, end: range.end } : {});
    // Open eagerly so a file deleted between head() and here surfaces as not-found, not a stream error.
    await new Promise<void>((resolve, reject) => {
      body.once('open', () => resolve());
      body.once('error', (err) => reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? new BlobNotFoundError(bucket, key) : err));
    });
    const size = range ? Math.min(range.end ?? info.size - 1, info.size - 1) - range.start + 1 : info.size;
    return { ...info, size, body };
  }

  async delete(bucket: BucketName, key: string): Promise<void> {
    await fs.rm(this.filePath(bucket, key), { force: true });
    await fs.rm(this.metaPath(bucket, key), { force: true });
  }

  async deleteMany(bucket: BucketName, keys: string[]): Promise<void> {
    for (const key of keys) assertValidKey(key);
    for (const key of keys) await this.delete(bucket, key);
  }

  /**
   * Walks only the directory the prefix points into. Cursor = the last key returned; keys are
   * compared as UTF-8 bytes, the order S3 uses.
   */
  async list(bucket: BucketName, options: ListOptions = {}): Promise<ListPage> {
    const prefix = options.prefix ?? '';
    assertValidPrefix(prefix);
    const limit = Math.min(Math.max(options.limit ?? 1000, 1), 1000);
    const after = options.cursor ? Buffer.from(options.cursor, 'base64url').toString('utf8') : undefined;
    const bucketDir = path.join(this.root, bucket);
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = dirPart ? path.join(bucketDir, ...dirPart.split('/')) : bucketDir;
    const found: { key: string; size: number; lastModified: Date }[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw err;
      }
      for (const entry of entries) {
        const key = keyPrefix ? `${keyPrefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(path.join(dir, entry.name), key);
        } else if (entry.isFile() && key.startsWith(prefix)) {
          if (after !== undefined && Buffer.compare(Buffer.from(key), Buffer.from(after)) <= 0) continue;
          const stat = await fs.stat(path.join(dir, entry.name));
          found.push({ key, size: stat.size, lastModified: stat.mtime });
        }
      }
    };
    await walk(start, dirPart);
    found.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    const items = found.slice(0, limit);
    const nextCursor = found.length > limit ? Buffer.from(items[items.length - 1].key).toString('base64url') : undefined;
    return { items, nextCursor };
  }

  private url(pathAndQuery: string): string {
    const given = this.options.publicBaseUrl;
    const base = (typeof given === 'function' ? given() : given)?.replace(/\/+$/, '');
    return base ? `${base}${pathAndQuery}` : pathAndQuery;
  }

  async signedDownloadUrl(bucket: BucketName, key: string, options: SignedDownloadOptions): Promise<SignedUrl> {
    assertValidKey(key);
    const expires = Math.floor(Date.now() / 1000) + options.expiresInSeconds;
    const p = buildSignedPath(this.options.signingSecret, { method: 'GET', bucket, key, expires, filename: options.filename });
    return { url: this.url(p), method: 'GET', expiresAt: new Date(expires * 1000), headers: {} };
  }

  async signedUploadUrl(bucket: BucketName, key: string, options: SignedUploadOptions): Promise<SignedUrl> {
    assertValidKey(key);
    const expires = Math.floor(Date.now() / 1000) + options.expiresInSeconds;
    const p = buildSignedPath(this.options.signingSecret, {
      method: 'PUT',
      bucket,
      key,
      expires,
      maxBytes: options.maxBytes,
      contentType: options.contentType,
    });
    return { url: this.url(p), method: 'PUT', expiresAt: new Date(expires * 1000), headers: { 'content-type': options.contentType } };
  }
}
