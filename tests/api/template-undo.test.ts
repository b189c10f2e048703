import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { cleanupExpired } from '@/services/maintenance/cleanup.js';
import { purgeExpiredTemplates, restoreTemplate } from '@/services/templates/undo.js';
import { NotFoundError } from '@/shared/errors.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { makePdf, uploadOk } from './upload-helpers.js';

/**
 * Deleting a template is undoable for TEMPLATE_UNDO_DAYS: its DynamoDB items keep living, marked
 * deleted with `ttl` = the end of that period, hidden from every read; the cleanup removes items
 * and blobs after it (DynamoDB's TTL does the items on AWS, where the cleanup finds only the blobs).
 */
const field = (name: string) => ({
  name,
  type: 'text',
  page: 1,
  position: { x: 50, y: 50 },
  size: { width: 120, height: 20 },
  bindingKey: name,
});

forEachApi('template deletion with undo (DynamoDB ttl)', (api) => {
  let ada: TestUser;
  let bob: TestUser;
  let fileId: string;
  beforeAll(async () => {
    ada = await registerUser(api().app, 'undo');
    bob = await registerUser(api().app, 'undo-other');
    fileId = (await uploadOk(api().app, ada.headers, await makePdf({ pages: 1 }), 'undo.pdf')).id;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, headers = ada.headers, payload?: object) =>
    api().app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const days = () => api().services.config.limits.templateUndoDays;
  const blobsOf = async (id: string) => (await api().services.blobs.list('files', { prefix: `templates/${id}/` })).items.map((b) => b.key);

  async function publishedTemplate(name: string): Promise<string> {
    const id = (await inject('POST', '/api/templates', ada.headers, { fileId, name })).json().template.templateId as string;
    expect((await inject('POST', `/api/templates/${id}/fields`, ada.headers, field('customer'))).statusCode).toBe(201);
    expect((await inject('POST', `/api/templates/${id}/fields`, ada.headers, field('amount'))).statusCode).toBe(201);
    expect((await inject('POST', `/api/templates/${id}/publish`)).statusCode).toBe(201);
    return id;
  }

  it('delete hides the template everywhere and stamps ttl on it and its fields; restore brings all of it back', async () => {
    const id = await publishedTemplate('Undoable');
    const blobs = await blobsOf(id);
    expect(blobs).toEqual(expect.arrayContaining([`templates/${id}/base.pdf`, `templates/${id}/versions/1.json`]));
    const statsBefore = (await inject('GET', '/api/templates/stats')).json();

    const before = Date.now();
    const del = await inject('DELETE', `/api/templates/${id}`);
    expect(del.statusCode).toBe(204);
    const until = Date.parse(String(del.headers['restorable-until']));
    expect(until).toBeGreaterThanOrEqual(before + days() * 86_400_000 - 1000);

    // Hidden: get, list, stats, fields, PDF, generate, a second delete.
    expect((await inject('GET', `/api/templates/${id}`)).statusCode).toBe(404);
    expect((await inject('GET', '/api/templates')).json().items.map((t: { templateId: string }) => t.templateId)).not.toContain(id);
    expect((await inject('GET', '/api/templates/stats')).json().total).toBe(statsBefore.total - 1);
    expect((await inject('GET', `/api/templates/${id}/fields`)).statusCode).toBe(404);
    expect((await inject('GET', `/api/templates/${id}/pdf`)).statusCode).toBe(404);
    expect((await inject('POST', `/api/templates/${id}/generate`, ada.headers, { data: { customer: 'x' } })).statusCode).toBe(404);
    expect((await inject('DELETE', `/api/templates/${id}`)).statusCode).toBe(404);
    expect(
      await api()
        .services.repos.templates.getInternal(id)
        .catch((e: Error) => e.name),
    ).toBe('NotFoundError');

    // Stored: the items carry deletedAt and ttl (epoch seconds of the end of the undo period); blobs stay.
    const { repos } = api().services;
    const item = await repos.templates.find(id, { includeDeleted: true });
    expect(item?.deletedAt).toEqual(expect.any(String));
    expect(item?.ttl).toBe(Math.floor(until / 1000));
    const fields = await repos.fields.listByTemplate(id);
    expect(fields).toHaveLength(2);
    for (const f of fields) expect(f.ttl).toBe(item?.ttl);
    expect(await blobsOf(id)).toEqual(blobs);

    // The cleanup before the period is over leaves it alone.
    await purgeExpiredTemplates(api().services, new Date(until - 60_000));
    expect(await blobsOf(id)).toEqual(blobs);

    // Someone else cannot restore it; its owner can, with everything.
    expect((await inject('POST', `/api/templates/${id}/restore`, bob.headers)).statusCode).toBe(404);
    const restored = await inject('POST', `/api/templates/${id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect(restored.json().template).toMatchObject({ templateId: id, name: 'Undoable', status: 'active' });
    const again = (await inject('GET', `/api/templates/${id}`)).json();
    expect(again.fields.map((f: { name: string }) => f.name).sort()).toEqual(['amount', 'customer']);
    expect((await inject('GET', `/api/templates/${id}/pdf`)).statusCode).toBe(200);
    expect((await inject('GET', '/api/templates/stats')).json().total).toBe(statsBefore.total);
    const stored = await repos.templates.getInternal(id);
    expect(stored.ttl).toBeUndefined();
    expect(stored.deletedAt).toBeUndefined();
    for (const f of await repos.fields.listByTemplate(id)) expect(f.ttl).toBeUndefined();
    const gen = await inject('POST', `/api/templates/${id}/generate`, ada.headers, { data: { customer: 'Ada', amount: '1' } });
    expect(gen.statusCode).toBe(200);
    // A live template is not "deleted": restoring it is 404, like an unknown id.
    expect((await inject('POST', `/api/templates/${id}/restore`)).statusCode).toBe(404);
    expect((await inject('POST', '/api/templates/0190a1b2-0000-7000-8000-000000000000/restore')).statusCode).toBe(404);

    // The cleanup after the period (restored: nothing to do) still leaves it alone.
    await purgeExpiredTemplates(api().services, new Date(until + 86_400_000));
    expect(await blobsOf(id)).toEqual(blobs);
  });

  it('past its ttl a deleted template is gone for reads at once (TTL is lazy); the cleanup removes items and blobs', async () => {
    const id = await publishedTemplate('Expiring');
    const del = await inject('DELETE', `/api/templates/${id}`);
    const until = Date.parse(String(del.headers['restorable-until']));
    const { repos } = api().services;

    // One second past the ttl, before any sweep (the access token has long expired by then, so
    // the service is called directly): restore refuses, the items are still stored.
    vi.useFakeTimers({ toFake: ['Date'], now: until + 1000 });
    await expect(restoreTemplate(api().services, ada.id, id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await repos.templates.find(id, { includeDeleted: true })).toBeUndefined();
    expect(await repos.templates.getItem({ templateId: id }, { includeExpired: true })).toMatchObject({ templateId: id });
    expect(await repos.fields.listByTemplate(id)).toEqual([]);
    vi.useRealTimers();

    const report = await cleanupExpired(api().services, undefined, new Date(until + 1000));
    expect(report.expiredTemplates).toBeGreaterThanOrEqual(1);
    expect(report.templateBlobsRemoved).toBeGreaterThanOrEqual(2);
    expect(await repos.templates.getItem({ templateId: id }, { includeExpired: true })).toBeUndefined();
    const leftFields = await repos.fields.queryAll({
      index: 'TemplateIdIndex',
      partition: { name: 'templateId', value: id },
      includeExpired: true,
    });
    expect(leftFields).toEqual([]);
    expect(await blobsOf(id)).toEqual([]);
  });

  it('when DynamoDB TTL removed the items first (AWS), the cleanup still removes the blobs it cannot reach', async () => {
    const id = await publishedTemplate('Swept by AWS');
    const del = await inject('DELETE', `/api/templates/${id}`);
    const until = Date.parse(String(del.headers['restorable-until']));
    const { repos } = api().services;
    // What AWS's sweeper does after the ttl: the items disappear, nothing else happens.
    const fieldIds = (await repos.fields.listByTemplate(id)).map((f) => ({ fieldId: f.fieldId }));
    await repos.fields.batchDeleteItems(fieldIds);
    await repos.templates.deleteItem({ templateId: id });
    expect((await blobsOf(id)).length).toBeGreaterThanOrEqual(2);

    const report = await purgeExpiredTemplates(api().services, new Date(until + 1000));
    expect(report.templateBlobsRemoved).toBeGreaterThanOrEqual(2);
    expect(await blobsOf(id)).toEqual([]);
  });

  it('an account deletion removes its deleted (restorable) templates too', async () => {
    const carol = await registerUser(api().app, 'undo-carol');
    const file = await uploadOk(api().app, carol.headers, await makePdf({ pages: 1 }), 'carol.pdf');
    const id = (await inject('POST', '/api/templates', carol.headers, { fileId: file.id, name: 'Carol' })).json().template.templateId;
    expect((await inject('DELETE', `/api/templates/${id}`, carol.headers)).statusCode).toBe(204);
    const { deleteAccount } = await import('@/services/accounts/deletion.js');
    const report = await deleteAccount(api().services, carol.id, { via: 'cli' });
    expect(report.templates).toBe(1);
    expect(await api().services.repos.templates.getItem({ templateId: id }, { includeExpired: true })).toBeUndefined();
    expect(await blobsOf(id)).toEqual([]);
  });
});
