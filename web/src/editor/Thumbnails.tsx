import type { PDFDocumentProxy } from './pdf.js';
import { usePageThumbnail } from './usePageThumbnail.js';

function Thumb({
  doc,
  page,
  width,
  active,
  onSelect,
  fieldCount,
}: {
  doc: PDFDocumentProxy;
  page: number;
  width: number;
  active: boolean;
  onSelect: () => void;
  fieldCount: number;
}) {
  const { canvas } = usePageThumbnail(doc, page, 96);
  return (
    <li>
      <button
        type="button"
        className={`thumb${active ? ' active' : ''}`}
        aria-current={active ? 'page' : undefined}
        aria-label={`Page ${page}, ${fieldCount} fields`}
        onClick={onSelect}
        style={{ width: width + 12 }}
      >
        <canvas ref={canvas} aria-hidden="true" />
        <span>
          {page}
          {fieldCount > 0 && ` · ${fieldCount}`}
        </span>
      </button>
    </li>
  );
}

export function Thumbnails({
  doc,
  pageCount,
  current,
  onSelect,
  fieldCounts,
}: {
  doc: PDFDocumentProxy | null;
  pageCount: number;
  current: number;
  onSelect: (p: number) => void;
  fieldCounts: number[];
}) {
  if (!doc) return null;
  return (
    <nav className="thumbnails" aria-label="Pages">
      <ol>
        {Array.from({ length: pageCount }, (_, i) => (
          <Thumb
            key={i}
            doc={doc}
            page={i + 1}
            width={96}
            active={current === i + 1}
            onSelect={() => onSelect(i + 1)}
            fieldCount={fieldCounts[i] ?? 0}
          />
        ))}
      </ol>
    </nav>
  );
}
