/**
 * The use cases of src/services called directly, without HTTP: upload and processing, templates
 * (create, duplicate, publish, versions), fields (placement, save, form import) and maintenance,
 * on both PostgreSQL backends with the local DynamoDB server and a blob directory.
 */
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { importFormFields } from '@/services/fields/import.js';
import { createField, listFields, saveFields, updatePositions } from '@/services/fields/save.js';
import { confirmUpload, createUploadUrl, uploadStream } from '@/services/files/upload.js';
import { fileMetadata } from '@/services/files/metadata.js';
import { runIntegrityCheck } from '@/services/maintenance/integrity.js';
import { cleanupOrphanedUploads } from '@/services/maintenance/cleanup.js';
import { createTemplate, deleteTemplate, duplicateTemplate, listTemplates } from '@/services/templates/service.js';
import { baseKey } from '@/services/templates/metadata.js';
import { purgeExpiredTemplates } from '@/services/templates/undo.js';
import { listVersions, loadTemplateVersion, publishTemplate } from '@/services/templates/versions.js';
import { inspect } from '@/pdf/inspect/index.js';
import { AppError, NotFoundError, ValidationError } from '@/shared/errors.js';
import { forEachApi } from '../helpers/api.js';
import { makePdf } from '../api/upload-helpers.js';

const field = (name: string, x: number) => ({
  name,
  type: 'text' as const,
  page: 1,
  position: { x, y: 100 },
  size: { width: 120, height: 20 },
  bindingKey: name,
});

forEachApi('services without HTTP', (api) => {
  let userId: string;
  let otherId: string;
  let fileId: string;
  let templateId: string;

  it('files: uploadStream stores and processes a PDF (pages and form fields in its metadata)', async () => {
    const { services } = api();
    userId = (await services.repos.users.create({ email: `svc-${Date.now()}@example.com`, password: 'correct horse battery' })).id;
    otherId = (await services.repos.users.create({ email: `svc-o-${Date.now()}@example.com`, password: 'correct horse battery' })).id;
    const bytes = await makePdf({ pages: 2, width: 400, height: 300, formField: 'customer' });
    const file = await uploadStream(services, userId, { filename: '../odd\u0007name.pdf', body: Readable.from([Buffer.from(bytes)]) });
    expect(file.status).toBe('ready');
    expect(file.originalFilename).toBe('oddname.pdf');
    const meta = fileMetadata(file);
    expect(meta.pages?.map((p) => [p.width, p.height])).toEqual([
      [400, 300],
      [400, 300],
    ]);
    expect(meta.formFields).toHaveLength(1);
    expect(await services.blobs.exists('uploads', file.s3Key)).toBe(true);
    fileId = file.id;
  });

  it('files: a non-PDF is rejected with its code and leaves neither row nor blob', async () => {
    const { services } = api();
    const before = (await services.repos.files.listByUser(userId, { page: 1, limit: 100 })).total;
    const err = await uploadStream(services, userId, { filename: 'x.pdf', body: Readable.from([Buffer.from('not a pdf at all')]) }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('pdf_not_pdf');
    expect((await services.repos.files.listByUser(userId, { page: 1, limit: 100 })).total).toBe(before);
  });

  it('files: the signed-upload flow refuses confirming before the bytes are there, then processes them', async () => {
    const { services } = api();
    const bytes = await makePdf();
    const { file } = await createUploadUrl(services, userId, { filename: 'signed.pdf', size: bytes.length });
    await expect(confirmUpload(services, userId, file.id)).rejects.toMatchObject({ code: 'upload_incomplete' });
    await services.blobs.put('uploads', file.s3Key, Buffer.from(bytes), { contentType: 'application/pdf' });
    await expect(confirmUpload(services, otherId, file.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await confirmUpload(services, userId, file.id)).status).toBe('ready');
  });

  it('templates: create copies the base and imports form fields; another user cannot use the file', async () => {
    const { services } = api();
    await expect(createTemplate(services, otherId, { fileId, name: 'stolen' })).rejects.toBeInstanceOf(NotFoundError);
    const { template, fields } = await createTemplate(services, userId, { fileId, name: 'Invoice', importFormFields: true });
    expect(template.pageCount).toBe(2);
    expect(fields.map((f) => f.name)).toEqual(['customer']);
    const base = await loadTemplateVersion(services, userId, template.templateId, 'draft');
    expect((await inspect(base.base)).pageCount).toBe(2);
    expect(baseKey(template)).toBe(`templates/${template.templateId}/base.pdf`);
    templateId = template.templateId;
  });

  it('fields: placement is checked against the page, positions and saves stay within the template', async () => {
    const { services } = api();
    await expect(createField(services, userId, templateId, { ...field('wide', 350) })).rejects.toBeInstanceOf(ValidationError);
    await expect(createField(services, userId, templateId, { ...field('p3', 10), page: 3 })).rejects.toMatchObject({
      code: 'field_out_of_page',
    });
    await expect(createField(services, otherId, templateId, field('x', 10))).rejects.toBeInstanceOf(NotFoundError);
    const amount = await createField(services, userId, templateId, field('amount', 10));
    const moved = await updatePositions(services, userId, templateId, [{ fieldId: amount.fieldId, position: { x: 20, y: 40 } }]);
    expect(moved[0].position).toEqual({ x: 20, y: 40 });
    await expect(
      updatePositions(services, userId, templateId, [{ fieldId: '00000000-0000-4000-8000-000000000000', position: { x: 1, y: 1 } }]),
    ).rejects.toMatchObject({ code: 'fields_not_in_template' });
    const saved = await saveFields(services, userId, templateId, { fields: [field('total', 200)] });
    expect(saved.saved).toBe(1);
    expect((await listFields(services, userId, templateId)).map((f) => f.name).sort()).toEqual(['amount', 'customer', 'total']);
    // Every form field is already a template field: importing again adds nothing.
    expect(await importFormFields(services, userId, templateId)).toEqual([]);
  });

  it('templates: publish freezes a version; later edits change the draft, not the version', async () => {
    const { services } = api();
    const v1 = await publishTemplate(services, userId, templateId);
    expect(v1).toMatchObject({ version: 1, fieldCount: 3 });
    await createField(services, userId, templateId, field('later', 10));
    const published = await loadTemplateVersion(services, userId, templateId);
    expect(published.version).toBe(1);
    expect(published.fields).toHaveLength(3);
    expect((await loadTemplateVersion(services, userId, templateId, 'draft')).fields).toHaveLength(4);
    expect((await publishTemplate(services, userId, templateId)).version).toBe(2);
    expect((await listVersions(services, userId, templateId)).map((v) => [v.version, v.fieldCount])).toEqual([
      [1, 3],
      [2, 4],
    ]);
    await expect(loadTemplateVersion(services, userId, templateId, 7)).rejects.toBeInstanceOf(NotFoundError);
    await expect(publishTemplate(services, otherId, templateId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('templates: duplicate has its own base and fields, no versions; delete removes its blobs once the undo period is over', async () => {
    const { services } = api();
    const { template: copy, fields } = await duplicateTemplate(services, userId, templateId);
    expect(copy.name).toBe('Invoice (copy)');
    expect(fields).toHaveLength(4);
    expect(await listVersions(services, userId, copy.templateId)).toEqual([]);
    expect(baseKey(copy)).not.toBe(`templates/${templateId}/base.pdf`);
    expect((await listTemplates(services, userId, { limit: 10, search: 'COPY' })).items.map((t) => t.templateId)).toEqual([
      copy.templateId,
    ]);
    const { restorableUntil } = await deleteTemplate(services, userId, copy.templateId);
    expect(await services.blobs.exists('files', baseKey(copy))).toBe(true);
    await purgeExpiredTemplates(services, new Date(Date.parse(restorableUntil) + 1000));
    expect(await services.blobs.exists('files', baseKey(copy))).toBe(false);
    expect(await services.blobs.exists('files', `templates/${templateId}/base.pdf`)).toBe(true);
  });

  it('maintenance: integrity finds a template whose base is gone and a stray upload blob; repair removes them', async () => {
    const { services } = api();
    const later = new Date(Date.now() + 2 * 3_600_000);
    expect((await runIntegrityCheck(services, { now: later })).issues).toEqual([]);
    const { template: doomed } = await duplicateTemplate(services, userId, templateId, 'doomed');
    await services.blobs.delete('files', baseKey(doomed));
    await services.blobs.put('uploads', `users/${userId}/uploads/stray.pdf`, Buffer.from('%PDF'), { contentType: 'application/pdf' });
    const report = await runIntegrityCheck(services, { now: later });
    expect(report.issues.map((i) => [i.kind, i.id]).sort()).toEqual(
      [
        ['template_without_file', doomed.templateId],
        ['upload_blob_without_row', `users/${userId}/uploads/stray.pdf`],
      ].sort(),
    );
    expect((await runIntegrityCheck(services, { now: later, repair: true })).repaired).toBe(2);
    expect((await runIntegrityCheck(services, { now: later })).issues).toEqual([]);
    // The ready uploads are the user's library: orphan cleanup leaves them.
    expect(await cleanupOrphanedUploads(services, { now: later, dryRun: true })).toEqual({ uploadsRemoved: 0, orphanBlobsRemoved: 0 });
  });
});
