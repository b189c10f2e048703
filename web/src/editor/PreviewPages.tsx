import { useEffect, useState } from 'react';
import { openPdf, type PDFDocumentProxy } from './pdf.js';
import { usePageThumbnail } from './usePageThumbnail.js';

/** Width of a page picture in CSS px. */
const THUMB_PX = 110;
/** Pictures drawn at most: a table of thousands of rows must not draw hundreds of canvases. */
export const MAX_PICTURES = 60;

interface Props {
  /** The generated PDF. */
  bytes: ArrayBuffer;
  /** Pages of the template's own PDF: pages past them were added (a table's rows continuing). */
  basePages: number;
  /** Shows page `n` in the viewer. */
  onShowPage: (n: number) => void;
  /** How the PDF is opened (pdf.js; a test gives its own). */
  open?: (bytes: ArrayBuffer) => Promise<PreviewDoc>;
}

/** What the pictures need of an opened PDF. */
export interface PreviewDoc {
  numPages: number;
  getPage: PDFDocumentProxy['getPage'];
  close: () => void;
}

async function openWithPdfJs(bytes: ArrayBuffer): Promise<PreviewDoc> {
  const doc = await openPdf(bytes);
  return { numPages: doc.numPages, getPage: (n) => doc.getPage(n), close: () => void doc.loadingTask.destroy() };
}

/**
 * Every page of a generated PDF, drawn with pdf.js: the continuation pages a table adds are seen at
 * once (and counted), whatever the browser's own PDF viewer shows first or whether it has one.
 */
export function PreviewPages({ bytes, basePages, onShowPage, open = openWithPdfJs }: Props) {
  const [doc, setDoc] = useState<PreviewDoc | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    let opened: PreviewDoc | null = null;
    setDoc(null);
    setError(null);
    // A copy: pdf.js hands its buffer to the worker, which leaves the caller's unusable.
    open(bytes.slice(0))
      .then((d) => {
        opened = d;
        if (alive) setDoc(d);
        else d.close();
      })
      .catch((err: unknown) => alive && setError(err instanceof Error ? err.message : String(err)));
    return () => {
      alive = false;
      opened?.close();
    };
  }, [bytes, open]);

  if (error)
    return (
      <p className="error" role="alert">
        The pages could not be drawn: {error}
      </p>
    );
  if (!doc) return <p className="muted">Drawing the pages…</p>;
  const added = Math.max(0, doc.numPages - basePages);
  return (
    <nav className="preview-pages" aria-label="Pages of the generated PDF" data-testid="preview-pages" data-pages={doc.numPages}>
      <p role="status">
        {doc.numPages} page{doc.numPages === 1 ? '' : 's'}
        {added > 0 && ` (${added} added for rows that continue)`}
      </p>
      <ol>
        {Array.from({ length: Math.min(doc.numPages, MAX_PICTURES) }, (_, i) => (
          <PagePicture key={i} doc={doc} page={i + 1} count={doc.numPages} added={i + 1 > basePages} onShow={() => onShowPage(i + 1)} />
        ))}
      </ol>
      {doc.numPages > MAX_PICTURES && (
        <p className="muted">
          Pages {MAX_PICTURES + 1}–{doc.numPages} are not drawn here: see them in the viewer.
        </p>
      )}
    </nav>
  );
}

function PagePicture({
  doc,
  page,
  count,
  added,
  onShow,
}: {
  doc: PreviewDoc;
  page: number;
  count: number;
  added: boolean;
  onShow: () => void;
}) {
  const { canvas, drawn } = usePageThumbnail(doc, page, THUMB_PX);
  return (
    <li>
      <button
        type="button"
        className="thumb"
        aria-label={`Page ${page} of ${count}${added ? ', added' : ''}: show in the viewer`}
        onClick={onShow}
        style={{ width: THUMB_PX + 12 }}
        data-testid="preview-page"
        data-drawn={drawn || undefined}
      >
        <canvas ref={canvas} aria-hidden="true" />
        <span>
          {page}
          {added && ' · added'}
        </span>
      </button>
    </li>
  );
}
