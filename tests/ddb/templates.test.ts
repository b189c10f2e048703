import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '@/shared/errors.js';
import { ttlFromNow } from '@/shared/database/ddb/entities/base-entity.js';
import type { CreateTemplateInput } from '@/shared/database/ddb/entities/template-entity.js';
import { MAX_PAGE_SIZE } from '@/shared/database/ddb/templates-repository.js';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamodb.js';

let ddb: TestDynamo;
beforeAll(async () => {
  ddb = await startTestDynamo();
});
afterAll(() => ddb?.stop());

/** An invoice template as a client creates one: its base file, page size, scale and metadata. */
const invoice = (userId: string, extra: Partial<CreateTemplateInput> = {}): CreateTemplateInput => ({
  userId,
  name: 'Invoice Template',
  originalFileId: 'file-1',
  dimensions: { width: 800, height: 600 },
  fileName: 'invoice-template.pdf',
  pdfFileUrl: 's3://pdf-studio-files-dev/templates/invoice.pdf',
  pageCount: 1,
  scale: 1,
  metadata: { category: 'business', tags: ['invoice', 'billing'] },
  ...extra,
});

const field = (templateId: string, page = 1) => ({
  templateId,
  name: 'Customer Name',
  type: 'text' as const,
  page,
  position: { x: 100, y: 50 },
  size: { width: 200, height: 30 },
  bindingKey: 'customer.name',
});

describe('templatesRepository', () => {
  it('create: an invoice template gets its id and timestamps from the repository, defaults applied', async () => {
    const { repos } = await ddb.newStage();
    const t = await repos.templates.create(invoice('u1'));
    expect(t.templateId).toMatch(/^[0-9a-f-]{36}$/);
    expect(t.createdAt).toBe(t.updatedAt);
    expect(t).toMatchObject({ status: 'draft', scale: 1, metadata: { tags: ['invoice', 'billing'] } });
    expect(await repos.templates.getInternal(t.templateId)).toEqual(t);
  });

  it('create: oversized dimensions and other bad input → ValidationError listing every problem', async () => {
    const { repos } = await ddb.newStage();
    const err = await repos.templates
      .create(invoice('u1', { dimensions: { width: 20_000, height: -1 }, name: '', pageCount: 0 }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues.map((i: { path: string }) => i.path).sort()).toEqual(['dimensions.height', 'dimensions.width', 'name', 'pageCount']);
    expect((await repos.templates.listByUser('u1')).items).toEqual([]);
  });

  it('get/getForUser: unknown and other-user templates are the same NotFoundError', async () => {
    const { repos } = await ddb.newStage();
    const t = await repos.templates.create(invoice('owner'));
    await expect(repos.templates.getInternal('nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(await repos.templates.find('nope')).toBeUndefined();
    expect((await repos.templates.getOwned('owner', t.templateId)).templateId).toBe(t.templateId);
    const foreign = await repos.templates.getOwned('intruder', t.templateId).catch((e) => e);
    const unknown = await repos.templates.getOwned('intruder', 'nope').catch((e) => e);
    expect(foreign).toBeInstanceOf(NotFoundError);
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(foreign.status).toBe(404);
  });

  it('listByUser: newest first across pages, status filter, other users excluded; bad page size → ValidationError', async () => {
    const { repos } = await ddb.newStage();
    const created = [];
    for (let i = 0; i < 45; i++)
      created.push(await repos.templates.create(invoice('lister', { name: `T${i}`, status: i % 3 === 0 ? 'active' : 'draft' })));
    await repos.templates.create(invoice('someone-else'));
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await repos.templates.listByUser('lister', { limit: 20, cursor });
      names.push(...page.items.map((t) => t.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toEqual(created.map((t) => t.name).reverse());

    const active = await repos.templates.listByUser('lister', { status: 'active', limit: 10 });
    expect(active.items.map((t) => t.name)).toEqual(['T42', 'T39', 'T36', 'T33', 'T30', 'T27', 'T24', 'T21', 'T18', 'T15']);
    const activeRest = await repos.templates.listByUser('lister', { status: 'active', limit: 10, cursor: active.nextCursor });
    expect(activeRest.items.map((t) => t.name)).toEqual(['T12', 'T9', 'T6', 'T3', 'T0']);

    for (const limit of [MAX_PAGE_SIZE + 1, 0, 2.5, 10_000]) {
      const err = await repos.templates.listByUser('lister', { limit }).catch((e) => e);
      expect(err, String(limit)).toBeInstanceOf(ValidationError);
      expect(err.issues[0].code).toBe('invalid_page_size');
    }
    await expect(repos.templates.listByUser('lister', { status: 'bogus' as never })).rejects.toBeInstanceOf(ValidationError);
    // A cursor of one user's listing is refused for another's.
    const page = await repos.templates.listByUser('lister', { limit: 5 });
    await expect(repos.templates.listByUser('someone-else', { cursor: page.nextCursor })).rejects.toMatchObject({ code: 'invalid_cursor' });
  });

  it('listByStatus: newest first across users', async () => {
    const { repos } = await ddb.newStage();
    const a = await repos.templates.create(invoice('a', { status: 'active' }));
    await repos.templates.create(invoice('b'));
    const c = await repos.templates.create(invoice('c', { status: 'active' }));
    expect((await repos.templates.listByStatus('active')).items.map((t) => t.templateId)).toEqual([c.templateId, a.templateId]);
  });

  it('update: partial with reserved words, owner condition, null clears, unknown keys refused', async () => {
    const { repos } = await ddb.newStage();
    const t = await repos.templates.create(invoice('u1', { description: 'old' }));
    const updated = await repos.templates.updateOwned('u1', t.templateId, {
      name: 'Renamed',
      status: 'active',
      description: null,
      metadata: { v: 2 },
    });
    expect(updated).toMatchObject({
      name: 'Renamed',
      status: 'active',
      metadata: { v: 2 },
      scale: 1,
      pageCount: 1,
      createdAt: t.createdAt,
    });
    expect('description' in updated).toBe(false);
    expect(updated.updatedAt > t.updatedAt).toBe(true);
    expect(await repos.templates.getInternal(t.templateId)).toEqual(updated);

    await expect(repos.templates.updateOwned('u2', t.templateId, { name: 'Hijack' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.templates.updateInternal('missing', { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.templates.updateInternal(t.templateId, { userId: 'u2' } as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(repos.templates.updateInternal(t.templateId, { dimensions: { width: 1e6, height: 10 } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(repos.templates.updateInternal(t.templateId, {})).rejects.toBeInstanceOf(ValidationError);
    expect((await repos.templates.getInternal(t.templateId)).name).toBe('Renamed');
  });

  it('archive, delete (with its fields), stats {active, total}', async () => {
    const { repos } = await ddb.newStage();
    const kept = await repos.templates.create(invoice('u1', { status: 'active' }));
    const doomed = await repos.templates.create(invoice('u1', { status: 'active' }));
    await repos.templates.create(invoice('u1'));
    await repos.templates.create(invoice('u2', { status: 'active' }));
    for (let i = 0; i < 30; i++) await repos.fields.create(field(doomed.templateId, 1 + (i % 3)));
    await repos.fields.create(field(kept.templateId));
    expect(await repos.templates.getUserTemplateStats('u1')).toMatchObject({ active: 2, total: 3 });

    expect((await repos.templates.archiveOwned('u1', kept.templateId)).status).toBe('archived');
    expect(await repos.templates.getUserTemplateStats('u1')).toEqual({
      active: 1,
      total: 3,
      byStatus: { draft: 1, active: 1, archived: 1 },
    });

    await expect(repos.templates.deleteOwned('u2', doomed.templateId)).rejects.toBeInstanceOf(NotFoundError);
    expect(await repos.fields.listByTemplate(doomed.templateId)).toHaveLength(30);
    const { deletedFields } = await repos.templates.deleteOwned('u1', doomed.templateId);
    expect(deletedFields).toBe(30);
    expect(await repos.fields.listByTemplate(doomed.templateId)).toEqual([]);
    expect(await repos.fields.listByTemplate(kept.templateId)).toHaveLength(1);
    await expect(repos.templates.getInternal(doomed.templateId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.templates.deleteInternal(doomed.templateId)).rejects.toBeInstanceOf(NotFoundError);
    expect(await repos.templates.getUserTemplateStats('u1')).toMatchObject({ active: 0, total: 2 });
    expect(await repos.templates.getUserTemplateStats('nobody')).toMatchObject({ active: 0, total: 0 });
  });

  it('stats page over the index for a user with many templates', async () => {
    const clients = ddb.newClients();
    let queries = 0;
    const target = clients.docClient as unknown as { send: (c: unknown) => Promise<unknown> };
    const send = target.send.bind(clients.docClient);
    target.send = (command) => {
      if (command instanceof QueryCommand) queries++;
      return send(command);
    };
    const { repos } = await ddb.newStage({ docClient: clients.docClient });
    // A big metadata map makes each item ~5 KB, so the 1 MB page limit forces several pages.
    const bulk = { blob: 'x'.repeat(5_000) };
    await repos.templates.batchPutItems(
      Array.from({ length: 260 }, (_, i) => ({
        templateId: `t${i}`,
        userId: 'heavy',
        name: `T${i}`,
        dimensions: { width: 10, height: 10 },
        pageCount: 1,
        scale: 1,
        status: i < 100 ? 'active' : 'draft',
        metadata: bulk,
        createdAt: new Date(1_700_000_000_000 + i).toISOString(),
        updatedAt: 'x',
      })),
    );
    expect(await repos.templates.getUserTemplateStats('heavy')).toMatchObject({ active: 100, total: 260 });
    expect(queries).toBeGreaterThan(1);
  });

  it('ttl is stored for temporary templates; create never overwrites (conditional put)', async () => {
    const { repos } = await ddb.newStage();
    const ttl = ttlFromNow(3600);
    const t = await repos.templates.create(invoice('u1', { ttl }));
    expect((await repos.templates.getInternal(t.templateId)).ttl).toBe(ttl);
    expect('ttl' in (await repos.templates.updateInternal(t.templateId, { ttl: null }))).toBe(false);
    await expect(
      repos.templates.putItem(t, { condition: (ctx) => `attribute_not_exists(${ctx.name('templateId')})` }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('expired items (ttl passed, not yet swept) are hidden from every read', async () => {
    const { repos } = await ddb.newStage();
    const live = await repos.templates.create(invoice('u1', { status: 'active', ttl: ttlFromNow(600) }));
    const expired = await repos.templates.create(invoice('u1', { status: 'active', ttl: ttlFromNow(-5) }));
    await repos.fields.create({ ...field(live.templateId), ttl: ttlFromNow(-5) });
    await repos.fields.create(field(live.templateId));
    await expect(repos.templates.getInternal(expired.templateId)).rejects.toBeInstanceOf(NotFoundError);
    expect(await repos.templates.getItem({ templateId: expired.templateId }, { includeExpired: true })).toEqual(expired);
    expect((await repos.templates.listByUser('u1')).items.map((t) => t.templateId)).toEqual([live.templateId]);
    expect((await repos.templates.listByStatus('active')).items.map((t) => t.templateId)).toEqual([live.templateId]);
    expect(await repos.templates.batchGetItems([{ templateId: expired.templateId }, { templateId: live.templateId }])).toEqual([live]);
    expect(await repos.templates.getUserTemplateStats('u1')).toMatchObject({ active: 1, total: 1 });
    expect(await repos.fields.listByTemplate(live.templateId)).toHaveLength(1);
    await expect(repos.templates.updateInternal(expired.templateId, { name: 'revived?' })).rejects.toBeInstanceOf(NotFoundError);
    expect((await repos.templates.updateInternal(live.templateId, { name: 'still here' })).name).toBe('still here');
    // Deleting a template removes its expired fields too.
    expect((await repos.templates.deleteInternal(live.templateId)).deletedFields).toBe(2);
  });

  it('softDeleteOwned / restoreOwned: deleted items carry deletedAt and ttl, hidden from reads, restorable until the ttl', async () => {
    const { repos } = await ddb.newStage();
    const t = await repos.templates.create(invoice('u1', { status: 'active' }));
    const other = await repos.templates.create(invoice('u1', { status: 'active' }));
    await repos.fields.create(field(t.templateId));
    await repos.fields.create(field(t.templateId, 2));
    const ttl = ttlFromNow(3600);
    await expect(repos.templates.softDeleteOwned('u2', t.templateId, ttl)).rejects.toBeInstanceOf(NotFoundError);
    const deleted = await repos.templates.softDeleteOwned('u1', t.templateId, ttl);
    expect(deleted).toMatchObject({ ttl, deletedAt: expect.any(String) });
    await expect(repos.templates.softDeleteOwned('u1', t.templateId, ttl)).rejects.toBeInstanceOf(NotFoundError);
    for (const f of await repos.fields.listByTemplate(t.templateId)) expect(f.ttl).toBe(ttl);

    await expect(repos.templates.getOwned('u1', t.templateId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.templates.getInternal(t.templateId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.templates.updateOwned('u1', t.templateId, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    expect((await repos.templates.listByUser('u1')).items.map((i) => i.templateId)).toEqual([other.templateId]);
    expect((await repos.templates.listByUser('u1', { deleted: 'only' })).items.map((i) => i.templateId)).toEqual([t.templateId]);
    expect((await repos.templates.listByStatus('active')).items.map((i) => i.templateId)).toEqual([other.templateId]);
    expect(await repos.templates.getUserTemplateStats('u1')).toMatchObject({ active: 1, total: 1 });

    await expect(repos.templates.restoreOwned('u2', t.templateId)).rejects.toBeInstanceOf(NotFoundError);
    const restored = await repos.templates.restoreOwned('u1', t.templateId);
    expect('ttl' in restored || 'deletedAt' in restored).toBe(false);
    for (const f of await repos.fields.listByTemplate(t.templateId)) expect(f.ttl).toBeUndefined();
    await expect(repos.templates.restoreOwned('u1', t.templateId)).rejects.toBeInstanceOf(NotFoundError);
    expect(await repos.templates.getUserTemplateStats('u1')).toMatchObject({ active: 2, total: 2 });

    // Past its ttl (the sweep not yet run) it can no longer be restored, and a hard delete still finds it.
    await repos.templates.softDeleteOwned('u1', t.templateId, ttlFromNow(-5));
    await expect(repos.templates.restoreOwned('u1', t.templateId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await repos.templates.deleteInternal(t.templateId)).deletedFields).toBe(2);
  });
});
