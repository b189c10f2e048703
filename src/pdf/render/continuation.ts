import type { ContinuationSpec } from '@/shared/domain/group.js';
import type { PageBox } from '../coordinates.js';
import { PdfError } from '../errors.js';
import type { EngineField } from '../types.js';
import type { DocumentCanvas } from './canvas.js';

/**
 * Continuation pages of the fields that flow (repeating groups, text with overflow 'continue'),
 * by the rule tables follow: 'same' copies the field's page, 'blank' is an empty page of its size,
 * a number copies that page of the uploaded PDF; each is placed after the field's page.
 */
export interface ContinuationPlan {
  /** The field's page (0-based) and its visible box. */
  pageIndex: number;
  pageBox: PageBox;
  /** What a continuation page copies (a base page index) or 'blank'. */
  source: number | 'blank';
  /** The visible box of a continuation page. */
  nextPageBox: PageBox;
}

export const DEFAULT_MAX_PAGES = 500;

export function planContinuation(
  field: EngineField,
  cont: ContinuationSpec,
  pageIndex: number,
  pageBoxes: readonly PageBox[],
): ContinuationPlan {
  const source = cont.page === 'same' ? pageIndex : cont.page === 'blank' ? 'blank' : cont.page - 1;
  if (typeof source === 'number' && source >= pageBoxes.length) {
    throw new PdfError(
      'pdf_page_out_of_range',
      `"${field.name}" continues on a copy of page ${cont.page}; the PDF has ${pageBoxes.length}`,
      {
        fieldId: field.fieldId,
        page: cont.page,
        pageCount: pageBoxes.length,
      },
    );
  }
  return {
    pageIndex,
    pageBox: pageBoxes[pageIndex],
    source,
    nextPageBox: typeof source === 'number' ? pageBoxes[source] : pageBoxes[pageIndex],
  };
}

/** Refuses, before anything is drawn, a field whose continuation pages would take the document past its page bound. */
export function assertPageBound(doc: DocumentCanvas, field: EngineField, adds: number, maxPages = DEFAULT_MAX_PAGES): void {
  const pages = doc.pageCount + adds;
  if (pages <= maxPages) return;
  throw new PdfError(
    'document_too_many_pages',
    `"${field.name}" needs ${adds} continuation pages; the document would have ${pages} pages, more than ${maxPages}`,
    { fieldId: field.fieldId, bindingKey: field.bindingKey, pages, maxPages },
  );
}
