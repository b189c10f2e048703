import { expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '@/shared/errors.js';
import { uuidv7 } from '@/shared/uuidv7.js';
import { forEachPostgres } from '../helpers/postgres.js';

forEachPostgres('generated PDFs and generation jobs', (db) => {
  let alice = '';
  let bob = '';
  let jobId = '';

  it('creates a job once per idempotency key and user', async () => {
    alice = (await db().repos.users.create({ email: 'alice@gen.test', password: 'password-123' })).id;
    bob = (await db().repos.users.create({ email: 'bob@gen.test', password: 'password-123' })).id;
    const input = { userId: alice, templateId: 'tpl_1', templateVersion: 3, total: 3, output: 'zip' as const, idempotencyKey: 'req-1' };
    const first = await db().repos.generationJobs.createOrGet(input);
    const again = await db().repos.generationJobs.createOrGet({ ...input, total: 99 });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.job.id).toBe(first.job.id);
    expect(again.job.total).toBe(3);
    // Same key, other user: a different job. No key: always new.
    const bobs = await db().repos.generationJobs.createOrGet({ ...input, userId: bob });
    expect(bobs.created).toBe(true);
    const a = await db().repos.generationJobs.create({ ...input, idempotencyKey: undefined });
    const b = await db().repos.generationJobs.create({ ...input, idempotencyKey: null });
    expect(new Set([first.job.id, bobs.job.id, a.id, b.id]).size).toBe(4);
    jobId = first.job.id;
    expect((await db().repos.generationJobs.listByUser(alice)).total).toBe(3);
    await expect(db().repos.generationJobs.getOwned(bob, jobId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('writes a synchronous document once, with its outcome and the id it was made under', async () => {
    const pdfs = db().repos.generatedPdfs;
    // A user of its own: the listing tests below count alice's documents.
    const carol = (await db().repos.users.create({ email: 'carol@gen.test', password: 'password-123' })).id;
    const id = uuidv7();
    const done = await pdfs.createFinished({
      id,
      userId: carol,
      templateId: 'tpl_1',
      templateVersion: 2,
      status: 'completed',
      result: { storageKey: `generated/${id}.pdf`, bucket: 'gen', fileSize: 1234, pageCount: 2 },
    });
    expect(done).toMatchObject({ id, recordKey: id, status: 'completed', fileSize: 1234n, pageCount: 2, jobId: null, error: null });
    expect(done.completedAt).toBeInstanceOf(Date);
    expect((await pdfs.getOwned(carol, id)).storageKey).toBe(`generated/${id}.pdf`);
    await expect(pdfs.markProcessing(id)).rejects.toBeInstanceOf(ConflictError); // completed is final

    const failed = await pdfs.createFinished({
      id: uuidv7(),
      userId: carol,
      templateId: 'tpl_1',
      templateVersion: 2,
      status: 'failed',
      error: 'x'.repeat(5000),
    });
    expect(failed).toMatchObject({ status: 'failed', storageKey: null, completedAt: null });
    expect(failed.error).toHaveLength(4000);
    // The same id twice is a conflict, not a second document.
    await expect(
      pdfs.createFinished({ id, userId: carol, templateId: 'tpl_1', templateVersion: 2, status: 'failed', error: 'again' }),
    ).rejects.toThrow();
    expect((await pdfs.getOwned(carol, id)).status).toBe('completed');
  });

  it('counts done/failed atomically under concurrency and completes', async () => {
    const jobs = db().repos.generationJobs;
    expect((await jobs.markRunning(jobId)).status).toBe('running');
    await Promise.all([
      ...Array.from({ length: 10 }, () => jobs.incrementDone(jobId)),
      ...Array.from({ length: 5 }, (_, i) => jobs.incrementFailed(jobId, { index: i, message: `row ${i} bad` })),
    ]);
    const job = await jobs.getOwned(alice, jobId);
    expect(job.done).toBe(10);
    expect(job.failed).toBe(5);
    expect((job.errors as unknown[]).length).toBe(5);
    const done = await jobs.complete(jobId, { resultKey: 'generated/x.zip' });
    expect(done.status).toBe('completed_with_errors'); // 10 made, 5 failed
    expect(done.resultKey).toBe('generated/x.zip');
    expect(done.finishedAt).toBeInstanceOf(Date);
    await expect(jobs.complete(jobId, { status: 'failed' })).rejects.toBeInstanceOf(ConflictError);
    await expect(jobs.cancel(alice, jobId)).rejects.toBeInstanceOf(ConflictError);
    await expect(jobs.incrementDone('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    await expect(jobs.incrementFailed('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a redelivered message (same recordKey) never creates a second document', async () => {
    const input = { recordKey: `${jobId}:0`, userId: alice, templateId: 'tpl_1', templateVersion: 3, jobId };
    const results = await Promise.all([1, 2, 3].map(() => db().repos.generatedPdfs.createOrGet(input)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.pdf.id)).size).toBe(1);
    expect((await db().repos.generatedPdfs.listByUser(alice, { jobId })).total).toBe(1);
    await expect(db().repos.generatedPdfs.create({ ...input, userId: bob })).rejects.toMatchObject({ code: 'record_key_taken' });
  });

  it('allows only valid status transitions', async () => {
    const pdfs = db().repos.generatedPdfs;
    const pdf = await pdfs.create({ userId: alice, templateId: 'tpl_1', templateVersion: 1 });
    expect(pdf.status).toBe('pending');
    // pending → completed skips processing: refused, and the row is unchanged.
    const skip = await pdfs.markCompleted(pdf.id, { storageKey: 'k', bucket: 'b', fileSize: 1n, pageCount: 1 }).catch((e: unknown) => e);
    expect(skip).toBeInstanceOf(ConflictError);
    expect(skip).toMatchObject({ code: 'invalid_transition' });
    expect((await pdfs.getOwned(alice, pdf.id)).status).toBe('pending');

    expect((await pdfs.markProcessing(pdf.id)).status).toBe('processing');
    const done = await pdfs.markCompleted(pdf.id, { storageKey: 'generated/a.pdf', bucket: 'gen', fileSize: 2n ** 40n, pageCount: 3 });
    expect(done).toMatchObject({
      status: 'completed',
      storageKey: 'generated/a.pdf',
      bucket: 'gen',
      fileSize: 2n ** 40n,
      pageCount: 3,
      error: null,
    });
    expect(done.completedAt).toBeInstanceOf(Date);
    // completed is final.
    await expect(pdfs.markProcessing(pdf.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(pdfs.markFailed(pdf.id, 'late failure')).rejects.toBeInstanceOf(ConflictError);

    const other = await pdfs.create({ userId: alice, templateId: 'tpl_1', templateVersion: 1 });
    await pdfs.markProcessing(other.id);
    expect((await pdfs.markFailed(other.id, 'font missing')).error).toBe('font missing');
    expect((await pdfs.markProcessing(other.id)).status).toBe('processing'); // retry

    await expect(pdfs.markProcessing('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    await expect(pdfs.getOwned(bob, pdf.id)).rejects.toBeInstanceOf(NotFoundError);
    // Deleting is scoped like reading: another user's id is not found and nothing goes.
    const doomed = await pdfs.create({ userId: alice, templateId: 'tpl_1', templateVersion: 1 });
    await expect(pdfs.deleteOwned(bob, doomed.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await pdfs.getOwned(alice, doomed.id)).id).toBe(doomed.id);
    await pdfs.deleteOwned(alice, doomed.id);
    await expect(pdfs.getInternal(doomed.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a job's failed row is final: counted once in job.failed, never reopened (a standalone one is retried)", async () => {
    const pdfs = db().repos.generatedPdfs;
    const { job } = await db().repos.generationJobs.createOrGet({ userId: bob, templateId: 'tpl_1', templateVersion: 1, total: 1 });
    const { pdf } = await pdfs.createOrGet({
      recordKey: `${job.id}:0`,
      userId: bob,
      templateId: 'tpl_1',
      templateVersion: 1,
      jobId: job.id,
    });
    await pdfs.markFailed(pdf.id, 'lost', { countInJob: { index: 0, message: 'lost' } });
    // A worker that read the row before it failed now tries to take it: refused, nothing counted twice.
    await expect(pdfs.markProcessing(pdf.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(pdfs.markCompleted(pdf.id, { storageKey: 'k', bucket: 'b', fileSize: 1, pageCount: 1 })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await db().repos.generationJobs.getInternal(job.id)).toMatchObject({ done: 0, failed: 1 });
  });

  it('two workers racing to complete: exactly one wins', async () => {
    const pdfs = db().repos.generatedPdfs;
    const pdf = await pdfs.create({ userId: alice, templateId: 'tpl_2', templateVersion: 1 });
    await pdfs.markProcessing(pdf.id);
    const out = { storageKey: 'a', bucket: 'b', fileSize: 1, pageCount: 1 };
    // Both orders of each race must leave exactly one winner. (A failed-then-complete chain, as this
    // test once raced, has none when the failure lands first: failed never moves to completed.)
    const twoCompletes = await Promise.allSettled([pdfs.markCompleted(pdf.id, out), pdfs.markCompleted(pdf.id, out)]);
    expect(twoCompletes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const other = await pdfs.create({ userId: alice, templateId: 'tpl_2', templateVersion: 1 });
    await pdfs.markProcessing(other.id);
    const completeOrFail = await Promise.allSettled([pdfs.markCompleted(other.id, out), pdfs.markFailed(other.id, 'x')]);
    expect(completeOrFail.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(['completed', 'failed']).toContain((await pdfs.getInternal(other.id)).status);
  });

  it('finds expired documents (expiresAt reached, or older than N days) and deletes them', async () => {
    const pdfs = db().repos.generatedPdfs;
    const now = new Date('2030-01-10T00:00:00Z');
    const expired = await pdfs.create({ userId: bob, templateId: 't', templateVersion: 1, expiresAt: new Date('2030-01-09T00:00:00Z') });
    const fresh = await pdfs.create({ userId: bob, templateId: 't', templateVersion: 1, expiresAt: new Date('2030-02-01T00:00:00Z') });
    const found = await pdfs.findExpired({ now });
    expect(found.map((p) => p.id)).toEqual([expired.id]);
    // Every row was created "now" (real time, before 2030): older than 30 days as of 2030.
    const old = await pdfs.findExpired({ now, olderThanDays: 30, limit: 1000 });
    expect(old.map((p) => p.id)).toContain(fresh.id);
    expect((await pdfs.findExpired({ olderThanDays: 30 })).map((p) => p.id)).not.toContain(fresh.id);
    await pdfs.deleteInternal(expired.id);
    await expect(pdfs.getInternal(expired.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(pdfs.deleteInternal(expired.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await pdfs.deleteMany([fresh.id, 'junk'])).toBe(1);
  });

  it('lists PDFs by user, newest first, paged', async () => {
    const page = await db().repos.generatedPdfs.listByUser(alice, { page: 1, limit: 2 });
    expect(page.total).toBe(5);
    expect(page.items).toHaveLength(2);
    expect(page.hasMore).toBe(true);
    expect((await db().repos.generatedPdfs.listByUser(alice, { status: 'completed' })).items.every((p) => p.status === 'completed')).toBe(
      true,
    );
  });
});
