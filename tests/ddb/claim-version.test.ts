import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '@/shared/errors.js';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamodb.js';

let ddb: TestDynamo;
beforeAll(async () => {
  ddb = await startTestDynamo();
});
afterAll(() => ddb?.stop());

const entry = (version: number) => ({ version, publishedAt: '2026-01-01T00:00:00.000Z', fieldCount: 0, snapshotKey: `v${version}` });

it('claimNextVersion: one of two concurrent claims of the same number wins; releaseVersion undoes it', async () => {
  const { repos } = await ddb.newStage();
  const t = await repos.templates.create({ userId: 'u1', name: 'T', dimensions: { width: 100, height: 100 }, pageCount: 1 });
  const claim = (userId: string) =>
    repos.templates.claimNextVersion(userId, t.templateId, {
      current: undefined,
      versions: [],
      entry: entry(1),
      at: '2026-01-01T00:00:00.000Z',
    });
  await expect(claim('someone-else')).rejects.toBeInstanceOf(ConflictError);
  const results = await Promise.allSettled([claim('u1'), claim('u1')]);
  expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
  const claimed = await repos.templates.getInternal(t.templateId);
  expect(claimed.status).toBe('active');
  expect(claimed.metadata).toMatchObject({ publishedVersion: 1, versions: [entry(1)] });

  await repos.templates.releaseVersion(t.templateId, { claimed: 1, previous: undefined, versions: [], status: 'draft' });
  const released = await repos.templates.getInternal(t.templateId);
  expect(released.status).toBe('draft');
  expect(released.metadata).toEqual({ versions: [] }); // null clears: no publishedVersion left
  await expect(repos.templates.getOwned('someone-else', t.templateId)).rejects.toBeInstanceOf(NotFoundError);
});
