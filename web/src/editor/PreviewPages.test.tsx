// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it, vi } from 'vitest';
import { loadPdfJs } from '../../../tests/helpers/pdfjs.js';
import { MAX_PICTURES, PreviewPages, type PreviewDoc } from './PreviewPages.js';

/** A real PDF of `pages` pages, opened by pdf.js (Node build): the count comes from the file itself. */
async function pdfOf(pages: number): Promise<ArrayBuffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([300, 400]);
  const bytes = await doc.save();
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

const closed = vi.fn();
async function openReal(bytes: ArrayBuffer): Promise<PreviewDoc> {
  const { getDocument } = await loadPdfJs();
  const doc = await getDocument({ data: new Uint8Array(bytes) }).promise;
  // jsdom has no 2D canvas: pages are parsed by pdf.js here, drawn only in the browser test.
  const getPage = async (n: number) =>
    Object.assign(Object.create(await doc.getPage(n)), { render: () => ({ promise: Promise.resolve(), cancel() {} }) });
  return { numPages: doc.numPages, getPage: getPage as PreviewDoc['getPage'], close: () => (closed(), void doc.loadingTask.destroy()) };
}

describe('PreviewPages', () => {
  it('lists every page of the generated PDF, counts the added ones and shows a chosen page in the viewer', async () => {
    const onShowPage = vi.fn();
    const bytes = await pdfOf(3);
    const { unmount } = render(<PreviewPages bytes={bytes} basePages={1} onShowPage={onShowPage} open={openReal} />);
    await waitFor(() => expect(screen.getByTestId('preview-pages').getAttribute('data-pages')).toBe('3'), { timeout: 10_000 });
    expect(screen.getByRole('status').textContent).toBe('3 pages (2 added for rows that continue)');
    const pages = screen.getAllByTestId('preview-page');
    expect(pages.map((p) => p.getAttribute('aria-label'))).toEqual([
      'Page 1 of 3: show in the viewer',
      'Page 2 of 3, added: show in the viewer',
      'Page 3 of 3, added: show in the viewer',
    ]);
    await waitFor(() => expect(pages.every((p) => p.getAttribute('data-drawn') === 'true')).toBe(true));
    fireEvent.click(pages[2]);
    expect(onShowPage).toHaveBeenCalledWith(3);
    // The caller's bytes stay usable (pdf.js was given a copy).
    expect(bytes.byteLength).toBeGreaterThan(0);
    unmount();
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it('draws at most MAX_PICTURES pages and says where the rest are', async () => {
    render(<PreviewPages bytes={await pdfOf(MAX_PICTURES + 5)} basePages={1} onShowPage={() => undefined} open={openReal} />);
    await waitFor(() => expect(screen.getByTestId('preview-pages').getAttribute('data-pages')).toBe(String(MAX_PICTURES + 5)), {
      timeout: 10_000,
    });
    expect(screen.getAllByTestId('preview-page')).toHaveLength(MAX_PICTURES);
    expect(screen.getByText(`Pages ${MAX_PICTURES + 1}–${MAX_PICTURES + 5} are not drawn here: see them in the viewer.`)).toBeTruthy();
  });

  it('says so when the PDF cannot be opened', async () => {
    render(<PreviewPages bytes={new ArrayBuffer(4)} basePages={1} onShowPage={() => undefined} open={openReal} />);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^The pages could not be drawn: /), { timeout: 10_000 });
  });
});
