import { PDFDocument } from 'pdf-lib';
import { beforeAll, expect, it } from 'vitest';
import type { FieldInput } from '@/shared/domain/field.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { extractText, joinLines, pageText } from '../helpers/pdf-readback.js';
import { createTemplate } from './generate-fixtures.js';

/** A label sheet: one cell of 180 × 60 pt at (20, 40), 3 across and 4 down, 10 pt apart. */
const LABELS: FieldInput = {
  name: 'Labels',
  type: 'table',
  page: 1,
  position: { x: 20, y: 40 },
  size: { width: 180, height: 60 },
  bindingKey: 'labels',
  advanced: { group: { across: 3, down: 4, gapX: 10, gapY: 10 } } as FieldInput['advanced'],
};
const NAME: FieldInput = {
  name: 'Name',
  type: 'text',
  page: 1,
  position: { x: 25, y: 45 },
  size: { width: 170, height: 20 },
  bindingKey: 'labels.name',
  validation: { type: 'none', required: true },
};
const CITY: FieldInput = {
  name: 'City',
  type: 'text',
  page: 1,
  position: { x: 25, y: 72 },
  size: { width: 170, height: 20 },
  bindingKey: 'labels.address.city',
  style: { fontSize: 9 },
};
const CLAUSE: FieldInput = {
  name: 'Clause',
  type: 'text',
  page: 1,
  position: { x: 50, y: 400 },
  size: { width: 500, height: 150 },
  bindingKey: 'terms',
  style: { fontSize: 10 },
  advanced: {
    multiLine: true,
    overflow: 'continue',
    continuation: { page: 'blank', box: { x: 50, y: 50, width: 500, height: 690 } },
  } as FieldInput['advanced'],
};

const labels = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Label ${i + 1}`, address: { city: `Town ${i + 1}` } }));
const words = Array.from({ length: 1200 }, (_, i) => `term${i + 1}`);

forEachApi('repeating groups and continuing text', (api) => {
  let ada: TestUser;
  let sheetId: string;
  let clauseId: string;
  beforeAll(async () => {
    ada = await registerUser(api().app, 'groups');
    ({ templateId: sheetId } = await createTemplate(api().app, ada.headers, [LABELS, NAME, CITY]));
    ({ templateId: clauseId } = await createTemplate(api().app, ada.headers, [CLAUSE]));
  });
  const post = (templateId: string, what: 'generate' | 'preflight', data: unknown, extra: Record<string, unknown> = {}) =>
    api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/${what}`,
      headers: { ...ada.headers, accept: what === 'generate' ? 'application/pdf' : 'application/json' },
      payload: { data, ...extra },
    });

  it('30 labels on a 3 × 4 sheet come back as 3 pages, every label once with its own city', async () => {
    const res = await post(sheetId, 'generate', { labels: labels(30) });
    expect(res.statusCode, res.body).toBe(200);
    expect((await PDFDocument.load(res.rawPayload)).getPageCount()).toBe(3);
    expect(res.headers['x-page-count']).toBe('3');
    const seen: number[] = [];
    for (let p = 1; p <= 3; p++) {
      const items = await extractText(res.rawPayload, p);
      for (const it of items) {
        const m = /^Label (\d+)$/.exec(it.str);
        if (!m) continue;
        seen.push(Number(m[1]));
        // The city is drawn in the same cell, its box 27 pt below the name's (baselines differ by the font sizes' centring).
        const city = items.find((c) => c.str === `Town ${m[1]}`)!;
        expect(city.x).toBeCloseTo(it.x, 0);
        expect(city.baseline - it.baseline).toBeCloseTo(25.96, 1);
      }
      expect(await pageText(res.rawPayload, p)).toContain('Invoice form');
    }
    expect(seen.sort((a, b) => a - b)).toEqual(labels(30).map((_, i) => i + 1));
  });

  it('bad items are 422 naming the item; too many items too; preflight says where the items go', async () => {
    const bad = await post(sheetId, 'generate', { labels: [{ name: 'ok' }, { address: { city: 'x' } }, 7] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { path: string; code: string }) => [e.path, e.code])).toEqual([
      ['labels[1].name', 'required'],
      ['labels[2]', 'type'],
    ]);
    const tooMany = await post(sheetId, 'generate', { labels: labels(10_001) });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json().errors[0]).toMatchObject({ path: 'labels', code: 'too_many_rows' });
    const pre = await post(sheetId, 'preflight', { labels: labels(30) });
    expect(pre.statusCode, pre.body).toBe(200);
    // 10,000 labels (the item bound) at 12 a page would make 834 pages: past the 500-page bound.
    const huge = await post(sheetId, 'preflight', { labels: labels(10_000) });
    expect(huge.json()).toMatchObject({
      ok: false,
      renderErrors: [
        {
          code: 'document_too_many_pages',
          message: expect.stringContaining('"Labels" needs 833 continuation pages; the document would have 834 pages'),
        },
      ],
    });
    const refused = await post(sheetId, 'generate', { labels: labels(10_000) });
    expect([refused.statusCode, refused.json().code]).toEqual([422, 'document_too_many_pages']);
    expect(pre.json().groups).toEqual([
      expect.objectContaining({ bindingKey: 'labels', items: 30, continuationItems: 18, continuationPages: 2 }),
    ]);
  });

  it("a long clause with overflow 'continue' continues on a blank page: every word once, in order; preflight counts its pages", async () => {
    const res = await post(clauseId, 'generate', { terms: words.join(' ') });
    expect(res.statusCode, res.body).toBe(200);
    const pages = (await PDFDocument.load(res.rawPayload)).getPageCount();
    expect(pages).toBeGreaterThanOrEqual(2);
    const read: string[] = [];
    for (let p = 1; p <= pages; p++) {
      for (const line of joinLines(await extractText(res.rawPayload, p)))
        if (line.str.startsWith('term')) read.push(...line.str.split(/\s+/));
    }
    expect(read).toEqual(words);
    expect(await pageText(res.rawPayload, 2)).not.toContain('Invoice form');
    const pre = await post(clauseId, 'preflight', { terms: words.join(' ') });
    expect(pre.json().continuedTexts).toEqual([expect.objectContaining({ bindingKey: 'terms', continuationPages: pages - 1 })]);
  });

  it('a group without members, or with a member outside its cell, is refused at publish and when generating the draft', async () => {
    const { templateId: lonely } = await createTemplate(api().app, ada.headers, [LABELS], false);
    const publish = await api().app.inject({ method: 'POST', url: `/api/templates/${lonely}/publish`, headers: ada.headers });
    expect(publish.statusCode).toBe(400);
    expect(publish.json()).toMatchObject({ code: 'field_definition_invalid' });
    expect(JSON.stringify(publish.json())).toContain('no members');
    const draft = await post(lonely, 'generate', { labels: labels(2) }, { version: 'draft' });
    expect(draft.statusCode).toBe(400);
    expect(draft.json()).toMatchObject({ code: 'field_definition_invalid' });
    const { templateId: spilled } = await createTemplate(api().app, ada.headers, [LABELS, { ...NAME, position: { x: 150, y: 45 } }], false);
    const out = await api().app.inject({ method: 'POST', url: `/api/templates/${spilled}/publish`, headers: ada.headers });
    expect(out.statusCode).toBe(400);
    expect(JSON.stringify(out.json())).toContain('inside its cell');
    const { templateId: tall } = await createTemplate(
      api().app,
      ada.headers,
      [{ ...LABELS, advanced: { group: { across: 4, down: 4, gapX: 10, gapY: 10 } } as FieldInput['advanced'] }, NAME],
      false,
    );
    const wide = await api().app.inject({ method: 'POST', url: `/api/templates/${tall}/publish`, headers: ada.headers });
    expect(wide.statusCode).toBe(400);
    expect(wide.json().errors).toEqual([
      expect.objectContaining({ code: 'invalid_group', path: expect.stringMatching(/^fields\.[^.]+\.advanced\.group\.across$/) }),
    ]);
  });

  it("overflow 'continue' on a field that is not text, and a group on a field that is not a table, are refused when saved", async () => {
    const number = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${clauseId}/fields`,
      headers: ada.headers,
      payload: { ...CLAUSE, name: 'Amount', type: 'number', bindingKey: 'amount' },
    });
    expect(number.statusCode).toBe(400);
    expect(JSON.stringify(number.json())).toContain('invalid_overflow');
    const notTable = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${sheetId}/fields`,
      headers: ada.headers,
      payload: { ...LABELS, type: 'text', bindingKey: 'other' },
    });
    expect(notTable.statusCode).toBe(400);
    expect(JSON.stringify(notTable.json())).toContain('invalid_group');
  });
});
