import { expect, it } from 'vitest';
import { cleanupExpired } from '@/services/maintenance/cleanup.js';
import { registerUser, type TestUser } from '../helpers/api.js';
import { createTemplate } from '../api/generate-fixtures.js';
import { forEachRig } from '../api/data-rights-rig.js';

const DAY = 86_400_000;
const data = { customer: { name: 'Grace Hopper' }, amount: 5 };

forEachRig('per-template retention of generated PDFs', (rig) => {
  let user: TestUser;
  const t: Record<'short' | 'long' | 'default', string> = { short: '', long: '', default: '' };

  async function generate(templateId: string): Promise<{ id: string; key: string; createdAt: Date }> {
    const res = await rig().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: user.headers,
      payload: { data },
    });
    expect(res.statusCode, res.body).toBe(200);
    const row = await rig().services.repos.generatedPdfs.getInternal(res.json().id);
    return { id: row.id, key: row.storageKey!, createdAt: row.createdAt };
  }
  const patch = (templateId: string, retentionDays: unknown) =>
    rig().app.inject({ method: 'PATCH', url: `/api/templates/${templateId}`, headers: user.headers, payload: { retentionDays } });
  const expiresAt = async (id: string) => (await rig().services.repos.generatedPdfs.getInternal(id)).expiresAt!.getTime();
  const present = async (doc: { id: string; key: string }) => {
    const row = await rig().api.db.prisma.generatedPdf.findUnique({ where: { id: doc.id } });
    const blob = await rig().services.blobs.exists('generated', doc.key);
    expect(Boolean(row), `row and blob of ${doc.id} go together`).toBe(blob);
    return blob;
  };

  it('sets up three templates', async () => {
    user = await registerUser(rig().app, 'retention');
    t.short = (await createTemplate(rig().app, user.headers)).templateId;
    t.long = (await createTemplate(rig().app, user.headers)).templateId;
    t.default = (await createTemplate(rig().app, user.headers)).templateId;
  }, 60_000);

  it('refuses a retention outside 1..3650 whole days, naming the property', async () => {
    for (const bad of [0, 3651, 1.5, '7', -1]) {
      const res = await patch(t.short, bad);
      expect(res.statusCode, String(bad)).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expect(JSON.stringify(res.json())).toContain('retentionDays');
    }
    const tpl = (await rig().app.inject({ method: 'GET', url: `/api/templates/${t.short}`, headers: user.headers })).json().template;
    expect(tpl.retentionDays).toBeNull();
  });

  it('is in the OpenAPI document, with its bounds', async () => {
    const doc = (await rig().app.inject({ method: 'GET', url: '/docs/json' })).json();
    const op = doc.paths['/api/templates/{id}'].patch;
    const schema = op.requestBody.content['application/json'].schema;
    const body = schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema;
    expect(JSON.stringify(body)).toMatch(/"retentionDays":\{[^}]*"minimum":1[^}]*"maximum":3650/);
    expect(JSON.stringify(op.responses['200'])).toContain('retentionDays');
  });

  it('the cleanup removes each template’s documents when its own retention (or the default) says so', async () => {
    const { services, app } = rig();
    const beforeSetting = await generate(t.short);
    // Setting a retention restamps the documents already made.
    const set = await patch(t.short, 1);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().template.retentionDays).toBe(1);
    expect(await expiresAt(beforeSetting.id)).toBe(beforeSetting.createdAt.getTime() + DAY);
    expect((await patch(t.long, 60)).statusCode).toBe(200);
    const afterSetting = await generate(t.short); // stamped with the default when made; the cleanup corrects it
    const long = await generate(t.long);
    const plain = await generate(t.default);
    // Stamped by generation from its own clock, a moment before the row's createdAt.
    expect(Math.abs((await expiresAt(plain.id)) - (plain.createdAt.getTime() + 30 * DAY))).toBeLessThan(5_000);

    const now = Date.now();
    const day2 = await cleanupExpired(services, 3650, new Date(now + 2 * DAY));
    expect(day2.retentionRestamped).toBeGreaterThanOrEqual(2); // afterSetting (1 day) and long (60 days)
    expect(day2.expiredPdfs).toBe(2);
    expect([await present(beforeSetting), await present(afterSetting), await present(long), await present(plain)]).toEqual([
      false,
      false,
      true,
      true,
    ]);
    expect(await expiresAt(long.id)).toBe(long.createdAt.getTime() + 60 * DAY);

    // Past the default: the template without its own retention goes, the longer one stays.
    const day45 = await cleanupExpired(services, 3650, new Date(now + 45 * DAY));
    expect(day45.expiredPdfs).toBe(1);
    expect([await present(long), await present(plain)]).toEqual([true, false]);
    const day61 = await cleanupExpired(services, 3650, new Date(now + 61 * DAY));
    expect(day61.expiredPdfs).toBe(1);
    expect(await present(long)).toBe(false);

    // Cleared: back to the default, for documents already made too.
    const again = await generate(t.long);
    expect(await cleanupExpired(services, 3650, new Date(now + 2 * DAY))).toMatchObject({ expiredPdfs: 0 });
    expect(await expiresAt(again.id)).toBe(again.createdAt.getTime() + 60 * DAY);
    const cleared = await patch(t.long, null);
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().template.retentionDays).toBeNull();
    expect(await expiresAt(again.id)).toBe(again.createdAt.getTime() + 30 * DAY);
    const list = await app.inject({ method: 'GET', url: `/api/templates/${t.long}`, headers: user.headers });
    expect(list.json().template.retentionDays).toBeNull();
  }, 60_000);
});
