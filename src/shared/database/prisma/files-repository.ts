import { z } from 'zod';
import type { FileStatus, UploadedFile } from '@/generated/prisma/client.js';
import { NotFoundError } from '@/shared/errors.js';
import {
  assertId,
  mapWriteErrors,
  parseInput,
  parsePage,
  PrismaRepository,
  toPage,
  type Page,
  type PageRequest,
  type Prisma,
} from './repository.js';

const jsonObject = z.record(z.string(), z.unknown());

export const createFileSchema = z.object({
  userId: z.uuid(),
  originalFilename: z.string().min(1).max(512),
  storedFilename: z.string().min(1).max(512),
  filePath: z.string().min(1).max(2048),
  s3Bucket: z.string().min(1).max(255),
  s3Key: z.string().min(1).max(1024),
  fileSize: z
    .union([z.bigint(), z.number().int()])
    .transform((v) => BigInt(v))
    .pipe(z.bigint().nonnegative()),
  mimeType: z.string().min(1).max(255),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullish(),
  status: z.enum(['uploaded', 'processing', 'ready', 'failed']).optional(),
  metadata: jsonObject.optional(),
});
export type CreateFileInput = z.input<typeof createFileSchema>;

export interface FileStats {
  totalFiles: number;
  /** Sum of file sizes in bytes, exact. */
  totalSize: bigint;
  /** The same, as a decimal string (safe for JSON at any size). */
  totalSizeString: string;
}

export interface ListFilesOptions extends PageRequest {
  status?: FileStatus;
}

const live = { deletedAt: null };

/** Uploaded files. Owner-scoped: another user's file id answers NotFound, like an unknown id. Soft-deleted files are invisible. */
export class FilesRepository extends PrismaRepository {
  async create(input: CreateFileInput): Promise<UploadedFile> {
    const data = parseInput(createFileSchema, input, 'Invalid file');
    return mapWriteErrors('User', data.userId, () =>
      this.db.uploadedFile.create({ data: { ...data, metadata: (data.metadata ?? {}) as Prisma.InputJsonObject } }),
    );
  }

  /** The owner's live file; another user's id (or a soft-deleted file) answers NotFound. */
  async getOwned(userId: string, id: string): Promise<UploadedFile> {
    assertId('File', id);
    assertId('File', userId);
    const file = await this.db.uploadedFile.findFirst({ where: { id, userId, ...live } });
    if (!file) throw new NotFoundError('File', id);
    return file;
  }

  /** Newest first, paged. */
  async listByUser(userId: string, opts: ListFilesOptions = {}): Promise<Page<UploadedFile>> {
    const { page, limit, skip } = parsePage(opts);
    assertId('User', userId);
    const where: Prisma.UploadedFileWhereInput = { userId, ...live, ...(opts.status ? { status: opts.status } : {}) };
    const [items, total] = await Promise.all([
      this.db.uploadedFile.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip, take: limit }),
      this.db.uploadedFile.count({ where }),
    ]);
    return toPage(items, total, page, limit);
  }

  /** A live file of this user with this content hash (de-duplication of uploads), or null. */
  async findBySha256(userId: string, sha256: string): Promise<UploadedFile | null> {
    assertId('User', userId);
    return this.db.uploadedFile.findFirst({ where: { userId, sha256, ...live }, orderBy: { createdAt: 'desc' } });
  }

  async updateStatus(userId: string, id: string, status: FileStatus): Promise<UploadedFile> {
    assertId('File', id);
    assertId('File', userId);
    parseInput(z.enum(['uploaded', 'processing', 'ready', 'failed']), status, 'Invalid status');
    return mapWriteErrors('File', id, () => this.db.uploadedFile.update({ where: { id, userId, ...live }, data: { status } }));
  }

  /** Shallow-merges `patch` into the metadata in one statement (concurrent patches of different keys both survive). */
  async updateMetadata(userId: string, id: string, patch: Record<string, unknown>): Promise<UploadedFile> {
    assertId('File', id);
    assertId('File', userId);
    const value = parseInput(jsonObject, patch, 'Invalid metadata');
    const count = await this.db.$executeRaw`
      UPDATE "uploaded_files" SET "metadata" = "metadata" || ${JSON.stringify(value)}::jsonb, "updated_at" = now()
      WHERE "id" = ${id}::uuid AND "user_id" = ${userId}::uuid AND "deleted_at" IS NULL`;
    if (count === 0) throw new NotFoundError('File', id);
    return this.getOwned(userId, id);
  }

  /** Hides the file (it stays in the table for audit/cleanup). */
  async softDelete(userId: string, id: string): Promise<UploadedFile> {
    assertId('File', id);
    assertId('File', userId);
    return mapWriteErrors('File', id, () =>
      this.db.uploadedFile.update({ where: { id, userId, ...live }, data: { deletedAt: new Date() } }),
    );
  }

  /** Removes the row for good (soft-deleted or not). */
  async delete(userId: string, id: string): Promise<void> {
    assertId('File', id);
    assertId('File', userId);
    await mapWriteErrors('File', id, () => this.db.uploadedFile.delete({ where: { id, userId }, select: { id: true } }));
  }

  /** Count and total bytes of the user's live files. */
  async getUserFileStats(userId: string): Promise<FileStats> {
    assertId('User', userId);
    const agg = await this.db.uploadedFile.aggregate({ where: { userId, ...live }, _count: { _all: true }, _sum: { fileSize: true } });
    const totalSize = agg._sum.fileSize ?? 0n;
    return { totalFiles: agg._count._all, totalSize, totalSizeString: totalSize.toString() };
  }
}
