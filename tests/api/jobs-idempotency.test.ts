import { expect, it } from 'vitest';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { createTemplate } from './generate-fixtures.js';

/**
 * An Idempotency-Key stands for one request. Reused with another body it used to return the first
 * job with 200, so the client believed its second batch was queued when it never was.
 */
forEachApi('job Idempotency-Key reuse', (api) => {
  let user: TestUser;
  let templateId: string;
  let otherTemplateId: string;
  const records = [{ customer: { name: 'Ann' }, amount: 1 }];
  const create = (template: string, key: string, payload: Record<string, unknown>) =>
    api().app.inject({
      method: 'POST',
      url: `/api/templates/${template}/jobs`,
      headers: { ...user.headers, 'idempotency-key': key },
      payload,
    });

  it('sets up a user and two templates', async () => {
    user = await registerUser(api().app, 'idem');
    ({ templateId } = await createTemplate(api().app, user.headers));
    ({ templateId: otherTemplateId } = await createTemplate(api().app, user.headers));
  });

  it('returns the first job for the same request, whatever its key order and spelt-out defaults', async () => {
    const first = await create(templateId, 'same-1', { records, output: 'zip' });
    expect(first.statusCode, first.body).toBe(202);
    const again = await create(templateId, 'same-1', {
      testMode: false,
      output: 'zip',
      records: [{ amount: 1, customer: { name: 'Ann' } }],
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().job.id).toBe(first.json().job.id);
  });

  it('answers 409 idempotency_key_reused for the same key with another body or template', async () => {
    const first = await create(templateId, 'reused-1', { records });
    expect(first.statusCode, first.body).toBe(202);
    const jobId = first.json().job.id;

    const otherBody = await create(templateId, 'reused-1', { records: [...records, { customer: { name: 'Bob' }, amount: 2 }] });
    expect([otherBody.statusCode, otherBody.json().code]).toEqual([409, 'idempotency_key_reused']);
    expect(otherBody.json().jobId).toBe(jobId);
    const otherTemplate = await create(otherTemplateId, 'reused-1', { records });
    expect([otherTemplate.statusCode, otherTemplate.json().code]).toEqual([409, 'idempotency_key_reused']);

    const list = await api().app.inject({ method: 'GET', url: '/api/jobs?limit=100', headers: user.headers });
    expect(list.json().items.filter((j: { id: string }) => j.id === jobId)).toHaveLength(1);
    expect(list.json().items).toHaveLength(2);
  });

  it('still returns a job recorded before request hashes were kept', async () => {
    const { job } = await api().services.repos.generationJobs.createOrGet({
      userId: user.id,
      templateId,
      templateVersion: 1,
      total: 1,
      idempotencyKey: 'legacy-1',
    });
    expect(job.requestHash).toBeNull();
    const res = await create(templateId, 'legacy-1', { records: [{ anything: 'else' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().job.id).toBe(job.id);
  });
});
