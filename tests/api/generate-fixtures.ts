import type { FastifyInstance } from 'fastify';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { FieldInput } from '@/shared/domain/field.js';
import { uploadOk } from './upload-helpers.js';

/** A one-page base PDF with a title. */
export async function basePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([612, 792]);
  page.drawText('Invoice form', { x: 50, y: 740, size: 18, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

export const FIELDS: FieldInput[] = [
  {
    name: 'Customer',
    type: 'text',
    page: 1,
    position: { x: 50, y: 100 },
    size: { width: 300, height: 24 },
    bindingKey: 'customer.name',
    validation: { type: 'none', required: true },
  },
  {
    name: 'Email',
    type: 'text',
    page: 1,
    position: { x: 50, y: 140 },
    size: { width: 300, height: 24 },
    bindingKey: 'email',
    validation: { type: 'email', required: false },
  },
  {
    name: 'Amount',
    type: 'number',
    page: 1,
    position: { x: 50, y: 180 },
    size: { width: 200, height: 24 },
    bindingKey: 'amount',
    validation: { type: 'number', required: true, min: 0 },
  },
];

/** Through the real API: upload the base, create the template, add the fields, publish version 1. */
export async function createTemplate(
  app: FastifyInstance,
  headers: Record<string, string>,
  fields: FieldInput[] = FIELDS,
  publish = true,
  base?: Uint8Array,
): Promise<{ templateId: string; fileId: string }> {
  const file = await uploadOk(app, headers, base ?? (await basePdf()), 'invoice.pdf');
  const res = await app.inject({ method: 'POST', url: '/api/templates', headers, payload: { fileId: file.id, name: 'Invoice' } });
  if (res.statusCode !== 201) throw new Error(`template: ${res.statusCode} ${res.body}`);
  const templateId: string = res.json().template.templateId;
  for (const f of fields) {
    const r = await app.inject({ method: 'POST', url: `/api/templates/${templateId}/fields`, headers, payload: f });
    if (r.statusCode !== 201) throw new Error(`field: ${r.statusCode} ${r.body}`);
  }
  if (publish) {
    const p = await app.inject({ method: 'POST', url: `/api/templates/${templateId}/publish`, headers });
    if (p.statusCode !== 201) throw new Error(`publish: ${p.statusCode} ${p.body}`);
  }
  return { templateId, fileId: file.id };
}
