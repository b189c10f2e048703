import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '@/shared/errors.js';
import type { CreateFieldInput } from '@/shared/database/ddb/entities/field-entity.js';
import { FieldsNotInTemplateError } from '@/shared/database/ddb/fields-repository.js';
import type { DdbRepositories } from '@/shared/database/ddb/index.js';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamodb.js';

let ddb: TestDynamo;
beforeAll(async () => {
  ddb = await startTestDynamo();
});
afterAll(() => ddb?.stop());

/** A customer-name text field with every option set (style, layout, advanced, validation). */
const customerName = (templateId: string): CreateFieldInput => ({
  templateId,
  name: 'Customer Name',
  type: 'text',
  page: 1,
  position: { x: 100, y: 50 },
  size: { width: 200, height: 30 },
  bindingKey: 'customer.name',
  style: {
    fontFamily: 'Arial',
    fontSize: 12,
    textColor: '#000000',
    backgroundColor: 'transparent',
    textAlign: 'left',
    bold: false,
    italic: false,
    underline: false,
  },
  layout: { rotation: 0, lockProportions: false, layerOrder: 1, snapToGrid: true },
  advanced: { placeholder: 'Enter customer name', required: true, multiLine: false, maxLength: 100, visibility: 'always' },
  validation: { type: 'none', required: true },
});

const simple = (templateId: string, page: number, layerOrder: number, name = `p${page}l${layerOrder}`): CreateFieldInput => ({
  templateId,
  name,
  type: page % 2 ? 'text' : 'date',
  page,
  position: { x: 10, y: 10 },
  size: { width: 50, height: 12 },
  bindingKey: 'a.b',
  layout: { layerOrder },
});

async function setup(): Promise<{ repos: DdbRepositories; templateId: string; otherTemplateId: string }> {
  const { repos } = await ddb.newStage();
  const base = { name: 'T', dimensions: { width: 612, height: 792 }, pageCount: 20 };
  const t = await repos.templates.create({ userId: 'u1', ...base });
  const other = await repos.templates.create({ userId: 'u2', ...base });
  return { repos, templateId: t.templateId, otherTemplateId: other.templateId };
}

describe('fieldsRepository', () => {
  it('create: a fully configured field; defaults of style/layout/advanced/validation filled; no internal attributes out', async () => {
    const { repos, templateId } = await setup();
    const f = await repos.fields.create(customerName(templateId));
    expect(f.style).toMatchObject({ fontSize: 12, verticalAlign: 'middle', lineHeight: 1.2 });
    expect(f.advanced).toMatchObject({ placeholder: 'Enter customer name', maxLength: 100, overflow: 'shrink' });
    expect(f.validation).toEqual({ type: 'none', required: true });
    expect('sortKey' in f).toBe(false);
    expect(await repos.fields.get(f.fieldId)).toEqual(f);
    const bare = await repos.fields.create(simple(templateId, 1, 0));
    expect(bare.style.fontFamily).toBe('Arial');
    expect(bare.layout).toEqual({ rotation: 0, lockProportions: false, layerOrder: 0, snapToGrid: true });
    await expect(repos.fields.create({ ...simple(templateId, 1, 0), size: { width: 0, height: 99_999 } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(repos.fields.get(f.fieldId, { templateId: 'other' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('listByTemplate: ordered by page, then layerOrder (numerically), whatever the creation order', async () => {
    const { repos, templateId, otherTemplateId } = await setup();
    const specs = [
      [3, 0],
      [1, 10],
      [1, 2],
      [12, 1],
      [2, 5],
      [1, 0],
      [2, 100],
      [10, 3],
    ] as const;
    for (const [page, layer] of specs) await repos.fields.create(simple(templateId, page, layer));
    await repos.fields.create(simple(otherTemplateId, 1, 0, 'foreign'));
    const names = (await repos.fields.listByTemplate(templateId)).map((f) => f.name);
    expect(names).toEqual(['p1l0', 'p1l2', 'p1l10', 'p2l5', 'p2l100', 'p3l0', 'p10l3', 'p12l1']);
    const page1 = await repos.fields.listByTemplatePage(templateId, { limit: 3 });
    const page2 = await repos.fields.listByTemplatePage(templateId, { limit: 3, cursor: page1.nextCursor });
    expect([...page1.items, ...page2.items].map((f) => f.name)).toEqual(names.slice(0, 6));
  });

  it('listByType, optionally within one template', async () => {
    const { repos, templateId, otherTemplateId } = await setup();
    await repos.fields.create(simple(templateId, 2, 0)); // date
    await repos.fields.create(simple(templateId, 1, 0)); // text
    await repos.fields.create(simple(otherTemplateId, 4, 0)); // date
    expect((await repos.fields.listByType('date')).items).toHaveLength(2);
    expect((await repos.fields.listByType('date', { templateId })).items.map((f) => f.templateId)).toEqual([templateId]);
    await expect(repos.fields.listByType('nonsense' as never)).rejects.toBeInstanceOf(ValidationError);
  });

  it('update: nested maps merged, whole field validated, order maintained, template condition', async () => {
    const { repos, templateId, otherTemplateId } = await setup();
    const a = await repos.fields.create({ ...customerName(templateId), name: 'a' });
    const b = await repos.fields.create({ ...simple(templateId, 1, 5), name: 'b' });
    const updated = await repos.fields.update(
      a.fieldId,
      { style: { fontSize: 20, bold: true }, advanced: { placeholder: null }, name: 'renamed' },
      { templateId },
    );
    expect(updated.style).toEqual({ ...a.style, fontSize: 20, bold: true });
    expect(updated.advanced.placeholder).toBeUndefined();
    expect(updated.advanced.maxLength).toBe(100);
    expect(updated.name).toBe('renamed');
    // Moving `a` above `b` and then to page 2 re-sorts the listing.
    await repos.fields.update(a.fieldId, { layout: { layerOrder: 9 } });
    expect((await repos.fields.listByTemplate(templateId)).map((f) => f.name)).toEqual(['b', 'renamed']);
    await repos.fields.update(b.fieldId, { page: 2 });
    expect((await repos.fields.listByTemplate(templateId)).map((f) => f.name)).toEqual(['renamed', 'b']);

    await expect(repos.fields.update(a.fieldId, { style: { fontSize: -1 } })).rejects.toBeInstanceOf(ValidationError);
    await expect(repos.fields.update(a.fieldId, { templateId: otherTemplateId } as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(repos.fields.update(a.fieldId, { name: 'x' }, { templateId: otherTemplateId })).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.fields.update('missing', { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    expect((await repos.fields.get(a.fieldId)).name).toBe('renamed');
  });

  it('delete and deleteByTemplate', async () => {
    const { repos, templateId, otherTemplateId } = await setup();
    const fields = [];
    for (let i = 0; i < 40; i++) fields.push(await repos.fields.create(simple(templateId, 1, i)));
    const foreign = await repos.fields.create(simple(otherTemplateId, 1, 0));
    await expect(repos.fields.delete(fields[0].fieldId, { templateId: otherTemplateId })).rejects.toBeInstanceOf(NotFoundError);
    expect((await repos.fields.delete(fields[0].fieldId, { templateId })).fieldId).toBe(fields[0].fieldId);
    await expect(repos.fields.delete(fields[0].fieldId)).rejects.toBeInstanceOf(NotFoundError);
    expect(await repos.fields.deleteByTemplate(templateId)).toBe(39);
    expect(await repos.fields.listByTemplate(templateId)).toEqual([]);
    expect(await repos.fields.get(foreign.fieldId)).toEqual(foreign);
  });
});

describe('batchUpdatePositions', () => {
  async function sixty() {
    const ctx = await setup();
    const created = await ctx.repos.fields.batchUpsert(
      ctx.templateId,
      Array.from({ length: 60 }, (_, i) => simple(ctx.templateId, 1 + Math.floor(i / 20), i % 20, `f${i}`)),
    );
    return { ...ctx, created };
  }

  it('moves, resizes and re-layers 60 fields; order and everything else preserved', async () => {
    const { repos, templateId, created } = await sixty();
    const updates = created.map((f, i) => ({
      fieldId: f.fieldId,
      position: { x: 1000 + i, y: 2000 - i },
      ...(i % 2 ? { size: { width: 5 + i, height: 6 } } : {}),
      // Reverse the layer order on page 1 and move the last field to page 9.
      ...(f.page === 1 ? { layerOrder: 100 - f.layout.layerOrder } : {}),
      ...(f.name === 'f59' ? { page: 9 } : {}),
    }));
    const result = await repos.fields.batchUpdatePositions(updates, { templateId });
    expect(result).toHaveLength(60);
    const after = await repos.fields.listByTemplate(templateId);
    expect(after).toHaveLength(60);
    const byId = new Map(after.map((f) => [f.fieldId, f]));
    created.forEach((f, i) => {
      const now = byId.get(f.fieldId)!;
      expect(now.position).toEqual({ x: 1000 + i, y: 2000 - i });
      expect(now.size).toEqual(i % 2 ? { width: 5 + i, height: 6 } : f.size);
      expect(now.style).toEqual(f.style);
      expect(now.layout.snapToGrid).toBe(true);
    });
    const names = after.map((f) => f.name);
    expect(names.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => `f${19 - i}`));
    expect(names.at(-1)).toBe('f59');
    expect(after.at(-1)?.page).toBe(9);
  });

  it("a field of another (user's) template or an unknown id → FieldsNotInTemplateError listing them; nothing changed", async () => {
    const { repos, templateId, otherTemplateId, created } = await sixty();
    const intruder = await repos.fields.create(simple(otherTemplateId, 1, 0, 'intruder'));
    const before = await repos.fields.listByTemplate(templateId);
    const updates = [
      ...created.map((f) => ({ fieldId: f.fieldId, position: { x: 1, y: 1 } })),
      { fieldId: intruder.fieldId, position: { x: 2, y: 2 } },
      { fieldId: 'ghost', page: 2 },
    ];
    const err = await repos.fields.batchUpdatePositions(updates, { templateId }).catch((e) => e);
    expect(err).toBeInstanceOf(FieldsNotInTemplateError);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.fieldIds).toEqual([intruder.fieldId, 'ghost']);
    expect(await repos.fields.listByTemplate(templateId)).toEqual(before);
    expect(await repos.fields.get(intruder.fieldId)).toEqual(intruder);
    // Without an explicit template, the first field's template is the one; mixing is refused too.
    await expect(repos.fields.batchUpdatePositions(updates.slice(-3, -1))).rejects.toBeInstanceOf(FieldsNotInTemplateError);
    expect(await repos.fields.listByTemplate(templateId)).toEqual(before);
  });

  it('invalid updates → ValidationError with every problem, nothing written', async () => {
    const { repos, templateId, created } = await sixty();
    const before = await repos.fields.listByTemplate(templateId);
    const err = await repos.fields
      .batchUpdatePositions(
        [
          { fieldId: created[0].fieldId, size: { width: -5, height: 1 } },
          { fieldId: created[1].fieldId, page: 0 },
          { fieldId: created[1].fieldId, position: { x: 1, y: 1 } },
          { fieldId: created[2].fieldId, templateId: 'x' } as never,
        ],
        { templateId },
      )
      .catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues.map((i: { path: string }) => i.path)).toEqual(['0.size.width', '1.page', '3', '2.fieldId']);
    expect(await repos.fields.listByTemplate(templateId)).toEqual(before);
    expect(await repos.fields.batchUpdatePositions([], { templateId })).toEqual([]);
  });

  it('a field moved away concurrently is not written, and the caller is told (ConflictError)', async () => {
    const { templateId, otherTemplateId, created, repos } = await sixty();
    const clients = ddb.newClients();
    const target = clients.docClient as unknown as { send: (c: unknown) => Promise<unknown> };
    const send = target.send.bind(clients.docClient);
    const victim = created[7].fieldId;
    let moved = false;
    target.send = async (command: unknown) => {
      // Just before the victim's conditional update, another writer moves it to another template.
      if (!moved && command instanceof UpdateCommand && command.input.Key?.fieldId === victim) {
        moved = true;
        await repos.fields.updateItem({ fieldId: victim }, { templateId: otherTemplateId });
      }
      return send(command);
    };
    const { FieldsRepository } = await import('@/shared/database/ddb/fields-repository.js');
    const raced = new FieldsRepository({ docClient: clients.docClient, tableName: repos.fields.tableName });
    const err = await raced
      .batchUpdatePositions(
        created.slice(0, 10).map((f) => ({ fieldId: f.fieldId, position: { x: 3, y: 3 } })),
        { templateId },
      )
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.details.failed).toEqual([victim]);
    expect(err.details.applied).toHaveLength(9);
    expect((await repos.fields.get(victim)).position).toEqual(created[7].position);
  });
});

describe('batchUpsert (studio save)', () => {
  it('creates, replaces and removes missing; foreign ids refused', async () => {
    const { repos, templateId, otherTemplateId } = await setup();
    const first = await repos.fields.batchUpsert(templateId, [
      simple(templateId, 1, 1, 'one'),
      simple(templateId, 1, 0, 'zero'),
      simple(templateId, 2, 0, 'two'),
    ]);
    expect(first.map((f) => f.name)).toEqual(['zero', 'one', 'two']);
    const [zero, one] = first;
    const second = await repos.fields.batchUpsert(
      templateId,
      [{ ...one, name: 'one*', fieldId: one.fieldId }, simple(templateId, 3, 0, 'three')],
      { removeMissing: true },
    );
    expect(second.map((f) => f.name)).toEqual(['one*', 'three']);
    const stored = await repos.fields.listByTemplate(templateId);
    expect(stored.map((f) => f.name)).toEqual(['one*', 'three']);
    expect(stored[0].createdAt).toBe(one.createdAt);
    await expect(repos.fields.get(zero.fieldId)).rejects.toBeInstanceOf(NotFoundError);

    const foreign = await repos.fields.create(simple(otherTemplateId, 1, 0, 'foreign'));
    const err = await repos.fields.batchUpsert(templateId, [{ ...simple(templateId, 1, 0), fieldId: foreign.fieldId }]).catch((e) => e);
    expect(err).toBeInstanceOf(FieldsNotInTemplateError);
    expect(await repos.fields.get(foreign.fieldId)).toEqual(foreign);
    await expect(repos.fields.batchUpsert(templateId, [{ ...simple(templateId, 1, 0), page: -1 }])).rejects.toBeInstanceOf(ValidationError);
  });
});
