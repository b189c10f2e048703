import { expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '@/shared/errors.js';
import { toJson } from '@/shared/database/prisma/json.js';
import { forEachPostgres } from '../helpers/postgres.js';

const uploadedFile = (userId: string, n: number, fileSize: bigint | number) => ({
  userId,
  originalFilename: `document-${n}.pdf`,
  storedFilename: `uuid-document-${n}.pdf`,
  filePath: `/uploads/2024/01/uuid-document-${n}.pdf`,
  s3Bucket: 'pdf-studio-uploads-dev',
  s3Key: `uploads/2024/01/uuid-document-${n}.pdf`,
  fileSize,
  mimeType: 'application/pdf',
  metadata: { pageCount: 5, dimensions: { width: 612, height: 792 } },
});

forEachPostgres('files repository', (db) => {
  let alice = '';
  let bob = '';

  it('creates uploaded-file rows with their bucket, key and metadata, and keeps BigInt sizes exact', async () => {
    alice = (await db().repos.users.create({ email: 'alice@files.test', password: 'password-123' })).id;
    bob = (await db().repos.users.create({ email: 'bob@files.test', password: 'password-123' })).id;
    const f = await db().repos.files.create(uploadedFile(alice, 1, BigInt(1024000)));
    expect(f.fileSize).toBe(1024000n);
    expect(f.status).toBe('uploaded');
    expect(f.metadata).toEqual({ pageCount: 5, dimensions: { width: 612, height: 792 } });
    // Beyond 2^53: must survive the round trip exactly.
    const huge = 2n ** 60n + 7n;
    const g = await db().repos.files.create(uploadedFile(alice, 2, huge));
    expect((await db().repos.files.getOwned(alice, g.id)).fileSize).toBe(huge);
    expect(toJson(g).fileSize).toBe(huge.toString());
    expect(toJson(f).fileSize).toBe(1024000);
  });

  it('getUserFileStats sums sizes as bigint (plus an exact string), per user, ignoring soft-deleted files', async () => {
    const stats = await db().repos.files.getUserFileStats(alice);
    expect(stats.totalFiles).toBe(2);
    expect(stats.totalSize).toBe(1024000n + 2n ** 60n + 7n);
    expect(stats.totalSizeString).toBe((1024000n + 2n ** 60n + 7n).toString());
    expect(await db().repos.files.getUserFileStats(bob)).toEqual({ totalFiles: 0, totalSize: 0n, totalSizeString: '0' });

    const extra = await db().repos.files.create(uploadedFile(alice, 3, 10));
    expect((await db().repos.files.getUserFileStats(alice)).totalFiles).toBe(3);
    await db().repos.files.softDelete(alice, extra.id);
    expect((await db().repos.files.getUserFileStats(alice)).totalFiles).toBe(2);
    await expect(db().repos.files.getOwned(alice, extra.id)).rejects.toBeInstanceOf(NotFoundError);
    await db().repos.files.delete(alice, extra.id);
    await expect(db().repos.files.delete(alice, extra.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("another user's file is NotFound, exactly like an unknown id", async () => {
    const [file] = (await db().repos.files.listByUser(alice)).items;
    for (const call of [
      () => db().repos.files.getOwned(bob, file.id),
      () => db().repos.files.updateStatus(bob, file.id, 'ready'),
      () => db().repos.files.updateMetadata(bob, file.id, { x: 1 }),
      () => db().repos.files.softDelete(bob, file.id),
      () => db().repos.files.delete(bob, file.id),
      () => db().repos.files.getOwned(alice, '00000000-0000-4000-8000-000000000000'),
      () => db().repos.files.getOwned(alice, 'nope'),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as NotFoundError).status).toBe(404);
    }
    expect((await db().repos.files.getOwned(alice, file.id)).status).toBe('uploaded');
  });

  it('updates status and merges metadata atomically', async () => {
    const f = await db().repos.files.create(uploadedFile(alice, 4, 100));
    expect((await db().repos.files.updateStatus(alice, f.id, 'ready')).status).toBe('ready');
    await Promise.all([db().repos.files.updateMetadata(alice, f.id, { a: 1 }), db().repos.files.updateMetadata(alice, f.id, { b: 2 })]);
    const after = await db().repos.files.getOwned(alice, f.id);
    expect(after.metadata).toMatchObject({ pageCount: 5, a: 1, b: 2 });
    await expect(db().repos.files.updateStatus(alice, f.id, 'bogus' as never)).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists by user, newest first, paged, with status filter', async () => {
    const page1 = await db().repos.files.listByUser(alice, { page: 1, limit: 2 });
    const page2 = await db().repos.files.listByUser(alice, { page: 2, limit: 2 });
    expect(page1.total).toBe(3);
    expect(page1.items).toHaveLength(2);
    expect(page2.items).toHaveLength(1);
    expect(new Set([...page1.items, ...page2.items].map((f) => f.id)).size).toBe(3);
    expect(page1.items[0].createdAt.getTime()).toBeGreaterThanOrEqual(page1.items[1].createdAt.getTime());
    expect((await db().repos.files.listByUser(alice, { status: 'ready' })).total).toBe(1);
    expect((await db().repos.files.listByUser(bob)).total).toBe(0);
    await expect(db().repos.files.listByUser(alice, { limit: 1000 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('rejects a file for an unknown user (NotFound) and bad input (ValidationError)', async () => {
    await expect(db().repos.files.create(uploadedFile('00000000-0000-4000-8000-000000000000', 9, 1))).rejects.toBeInstanceOf(NotFoundError);
    await expect(db().repos.files.create(uploadedFile(alice, 9, -1))).rejects.toBeInstanceOf(ValidationError);
  });
});
