import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { REPO_ROOT } from '../helpers/corpus.js';

/** Test-side helpers for the files/templates/fields API tests (multipart bodies, PDFs, uploads). */

export function multipartBody(
  filename: string,
  bytes: Uint8Array,
  field = 'file',
  contentType = 'application/pdf',
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----pdfstudio${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, Buffer.from(bytes), tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A PDF with `pages` pages of the given size, each saying "Page n", plus an optional AcroForm text field. */
export async function makePdf(opts: { pages?: number; width?: number; height?: number; formField?: string } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < (opts.pages ?? 1); i++) {
    const page = doc.addPage([opts.width ?? 612, opts.height ?? 792]);
    page.drawText(`Page ${i + 1}`, { x: 50, y: (opts.height ?? 792) - 60, size: 18, font });
  }
  if (opts.formField) {
    const tf = doc.getForm().createTextField(opts.formField);
    // On the page whatever its size (a widget wholly outside the page is not suggested for import).
    tf.addToPage(doc.getPage(0), { x: 100, y: Math.min(500, (opts.height ?? 792) - 100), width: 200, height: 24 });
  }
  return doc.save();
}

export function fixture(relative: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(REPO_ROOT, relative)));
}

export async function upload(
  app: FastifyInstance,
  headers: Record<string, string>,
  bytes: Uint8Array,
  filename = 'doc.pdf',
): Promise<LightMyRequestResponse> {
  const body = multipartBody(filename, bytes);
  return app.inject({ method: 'POST', url: '/api/files', headers: { ...headers, ...body.headers }, payload: body.payload });
}

/** Uploads and returns the file (fails the test with the answer otherwise). */
export async function uploadOk(
  app: FastifyInstance,
  headers: Record<string, string>,
  bytes: Uint8Array,
  filename = 'doc.pdf',
): Promise<{ id: string; [k: string]: unknown }> {
  const res = await upload(app, headers, bytes, filename);
  if (res.statusCode !== 201) throw new Error(`upload failed: ${res.statusCode} ${res.body}`);
  return res.json().file;
}

/** A text field on page 1 bound to its own name, as the fields API takes it; `over` replaces any part. */
export const field = (name: string, over: Record<string, unknown> = {}) => ({
  name,
  type: 'text',
  page: 1,
  position: { x: 40, y: 40 },
  size: { width: 100, height: 20 },
  bindingKey: name,
  ...over,
});
