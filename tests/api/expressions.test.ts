import { beforeAll, expect, it } from 'vitest';
import type { FieldInput } from '@/shared/domain/field.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { findText, pageText } from '../helpers/pdf-readback.js';
import { createTemplate } from './generate-fixtures.js';
import { field } from './upload-helpers.js';

const FIELDS: FieldInput[] = [
  {
    name: 'Total',
    type: 'number',
    page: 1,
    position: { x: 60, y: 200 },
    size: { width: 200, height: 24 },
    bindingKey: 'total',
    validation: { type: 'number', required: true, min: 0 },
    advanced: { expression: '$sum(items.(qty * price))', number: { locale: 'en-US', decimals: 2 } },
  },
  {
    name: 'VAT note',
    type: 'text',
    page: 1,
    position: { x: 60, y: 260 },
    size: { width: 300, height: 24 },
    bindingKey: 'vatNote',
    advanced: { condition: 'customer.country = "DE"', expression: '"Reverse charge: " & customer.vatId' },
  },
];

const data = {
  customer: { country: 'DE', vatId: 'DE123456789' },
  items: [
    { qty: 4, price: 12.5 },
    { qty: 1, price: 199.99 },
  ],
};

forEachApi('expressions', (api) => {
  let ada: TestUser;
  let templateId: string;
  beforeAll(async () => {
    ada = await registerUser(api().app, 'expressions');
    ({ templateId } = await createTemplate(api().app, ada.headers, FIELDS));
  });
  const generate = (payload: Record<string, unknown>, accept = 'application/pdf') =>
    api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: { ...ada.headers, accept },
      payload: { data: payload, strict: true },
    });

  it('saving a field with an expression that does not parse answers 400 naming the property and the position', async () => {
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/fields`,
      headers: ada.headers,
      payload: field('broken', { advanced: { expression: '$sum(items.(qty * price)' } }),
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({
      code: 'field_definition_invalid',
      errors: [{ path: 'body.advanced.expression', code: 'invalid_expression' }],
    });
    expect(body.errors[0].message).toContain('at position 24');

    const refused = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/fields`,
      headers: ada.headers,
      payload: field('today', { advanced: { condition: '$now() > "2026"' } }),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ errors: [{ path: 'body.advanced.condition', code: 'invalid_expression' }] });
  });

  it('generate prints the computed total and the conditional text; the keys expressions read are not unknown', async () => {
    const res = await generate(data);
    expect(res.statusCode, res.body).toBe(200);
    expect((await findText(res.rawPayload, '249.99'))!.x).toBeCloseTo(60, 0);
    expect(await pageText(res.rawPayload)).toContain('Reverse charge: DE123456789');
  });

  it('a false condition leaves the field out of the PDF', async () => {
    const res = await generate({ ...data, customer: { country: 'FR', vatId: 'FR1' } });
    expect(res.statusCode, res.body).toBe(200);
    const text = await pageText(res.rawPayload);
    expect(text).toContain('249.99');
    expect(text).not.toContain('Reverse charge');
  });

  it('the computed value is validated: a negative total is payload_invalid on the total', async () => {
    const res = await generate({ ...data, items: [{ qty: -1, price: 5 }] });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'payload_invalid', errors: [{ path: 'total', code: 'min' }] });
  });

  it('an expression failing on the data is 422 expression_failed naming the field; preflight lists it', async () => {
    const bad = { ...data, items: [{ qty: 'four', price: 12.5 }] };
    const res = await generate(bad, 'application/json');
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'expression_failed',
      name: 'Total',
      property: 'expression',
      expressionCode: 'T2001',
      position: expect.any(Number),
      errors: [{ path: 'total', code: 'T2001' }],
    });

    const pf = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/preflight`,
      headers: ada.headers,
      payload: { data: bad },
    });
    expect(pf.statusCode).toBe(200);
    expect(pf.json()).toMatchObject({ ok: false, renderErrors: [{ code: 'expression_failed' }] });
    expect(pf.json().renderErrors[0].message).toMatch(/^"Total" \(total\): its expression failed: .*position \d+/);
    const good = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/preflight`,
      headers: ada.headers,
      payload: { data },
    });
    expect(good.json()).toMatchObject({ ok: true, renderErrors: [], errors: [] });
  });

  it('a template holding a field with a broken expression cannot be published', async () => {
    // Written straight through the repository, past the save-time check.
    const stored = await api().services.repos.fields.create({
      ...field('legacy', { advanced: { condition: 'customer.country = ' } }),
      templateId,
    } as never);
    const res = await api().app.inject({ method: 'POST', url: `/api/templates/${templateId}/publish`, headers: ada.headers });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'field_definition_invalid',
      errors: [{ path: `fields.${stored.fieldId}.advanced.condition`, code: 'invalid_expression' }],
    });
    expect(res.json().errors[0].message).toMatch(/at position \d+/);
    await api().app.inject({ method: 'DELETE', url: `/api/templates/${templateId}/fields/${stored.fieldId}`, headers: ada.headers });
  });
});
