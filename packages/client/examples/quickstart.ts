import { createPdfStudioClient, type Job } from '../src/index.js';

/** Upload → template → field → publish → generate one → a job of many, with its progress. */
export async function quickstart(baseUrl: string, apiKey: string, invoicePdf: Uint8Array, log = console.log) {
  const studio = createPdfStudioClient({ baseUrl, apiKey });
  const { api, unwrap } = studio;

  const file = await studio.uploadPdf(invoicePdf, 'invoice.pdf');
  const { template } = await unwrap(api.POST('/api/templates', { body: { fileId: file.id, name: 'Invoice' } }));
  const path = { id: template.templateId };
  await unwrap(
    api.POST('/api/templates/{id}/fields', {
      params: { path },
      body: {
        name: 'Customer',
        type: 'text',
        page: 1,
        position: { x: 72, y: 100 }, // points from the top-left corner
        size: { width: 300, height: 24 },
        bindingKey: 'customer.name',
      },
    }),
  );
  const { version } = await unwrap(api.POST('/api/templates/{id}/publish', { params: { path } }));

  // One document now: a signed URL to it (and every warning).
  const one = await unwrap(
    api.POST('/api/templates/{id}/generate', { params: { path }, body: { data: { customer: { name: 'Zoë Ñúñez' } } } }),
  );
  const single = await studio.download(one.url);

  // Many: a job, polled until it has finished, then its merged result.
  const names = ['Ann', 'Bob', 'Chloé'];
  const { job } = await unwrap(
    api.POST('/api/templates/{id}/jobs', {
      params: { path },
      body: { records: names.map((name) => ({ customer: { name } })), output: 'merged' },
    }),
  );
  const finished: Job = await studio.waitForJob(job.id, {
    onProgress: (j) => log(`job ${j.id}: ${j.status} ${j.done}/${j.total} (${j.failed} failed)`),
  });
  if (finished.status !== 'completed' || !finished.resultUrl) throw new Error(`job ${finished.id} ended ${finished.status}`);
  const merged = await studio.download(finished.resultUrl);

  return { templateId: template.templateId, version, single, job: finished, merged };
}
