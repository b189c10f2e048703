import { PDFArray, PDFBool, PDFDict, PDFName, PDFRef, PDFStream, type PDFDocument, type PDFObject } from '@cantoo/pdf-lib';
import type { PdfaLevel } from '@/shared/domain/output.js';

/**
 * Can a document be made PDF/A (parts 2b and 3b), and if not, why. What conversion cannot fix
 * is reported here: fonts whose program is not in the file (fixing needs the font file),
 * JavaScript and actions PDF/A forbids, annotations without an appearance, encryption.
 * What conversion does add (XMP, OutputIntent, document ID) is not an issue.
 */

export type PdfaIssueCode =
  | 'encrypted'
  | 'font_not_embedded'
  | 'javascript'
  | 'forbidden_action'
  | 'annotation_without_appearance'
  | 'annotation_hidden'
  | 'need_appearances'
  | 'embedded_file_not_allowed';

export interface PdfaIssue {
  code: PdfaIssueCode;
  message: string;
  /** 1-based page where it was found, when it belongs to a page. */
  page?: number;
  /** The font's /BaseFont name, for font_not_embedded. */
  font?: string;
}

/** ISO 19005-2 6.5.1: actions a PDF/A-2 file shall not contain. */
const FORBIDDEN_ACTIONS = new Set([
  'Launch',
  'Sound',
  'Movie',
  'ResetForm',
  'ImportData',
  'Hide',
  'SetOCGState',
  'Rendition',
  'Trans',
  'GoTo3DView',
  'JavaScript',
]);
/** Annotation types that need no appearance stream (ISO 19005-2 6.3.3). */
const NO_APPEARANCE_NEEDED = new Set(['Popup', 'Link']);

const name = (o: PDFObject | undefined): string | undefined => (o instanceof PDFName ? o.decodeText() : undefined);

function dictOf(doc: PDFDocument, o: PDFObject | undefined): PDFDict | undefined {
  const v = o instanceof PDFRef ? doc.context.lookup(o) : o;
  if (v instanceof PDFDict) return v;
  if (v instanceof PDFStream) return v.dict;
  return undefined;
}

function arrayOf(doc: PDFDocument, o: PDFObject | undefined): PDFObject[] {
  const v = o instanceof PDFRef ? doc.context.lookup(o) : o;
  return v instanceof PDFArray ? v.asArray() : [];
}

function fontEmbedded(doc: PDFDocument, font: PDFDict): boolean {
  const sub = name(font.get(PDFName.of('Subtype')));
  // Type 3 glyphs are content streams inside the font dictionary: always embedded.
  if (sub === 'Type3') return true;
  if (sub === 'Type0') {
    const descendant = dictOf(doc, arrayOf(doc, font.get(PDFName.of('DescendantFonts')))[0]);
    return descendant !== undefined && fontEmbedded(doc, descendant);
  }
  const descriptor = dictOf(doc, font.get(PDFName.of('FontDescriptor')));
  if (!descriptor) return false;
  return ['FontFile', 'FontFile2', 'FontFile3'].some((k) => descriptor.get(PDFName.of(k)) !== undefined);
}

function checkAction(doc: PDFDocument, action: PDFObject | undefined, where: string, issues: PdfaIssue[], page?: number): void {
  const seen = new Set<PDFDict>();
  let a = dictOf(doc, action);
  while (a && !seen.has(a)) {
    seen.add(a);
    const s = name(a.get(PDFName.of('S')));
    if (s === 'JavaScript') issues.push({ code: 'javascript', message: `JavaScript action in ${where}`, page });
    else if (s && FORBIDDEN_ACTIONS.has(s)) issues.push({ code: 'forbidden_action', message: `${s} action in ${where}`, page });
    const next = a.get(PDFName.of('Next'));
    a = dictOf(doc, next instanceof PDFArray ? next.get(0) : next);
  }
}

function checkAdditionalActions(doc: PDFDocument, holder: PDFDict, where: string, issues: PdfaIssue[], page?: number): void {
  const aa = dictOf(doc, holder.get(PDFName.of('AA')));
  if (aa) issues.push({ code: 'forbidden_action', message: `Additional actions (/AA) on ${where}`, page });
}

/** Fonts of a resource dictionary and of the form XObjects, patterns and annotations it reaches. */
function walkResources(doc: PDFDocument, res: PDFDict | undefined, visit: (font: PDFDict) => void, seen: Set<PDFDict>): void {
  if (!res || seen.has(res)) return;
  seen.add(res);
  const fonts = dictOf(doc, res.get(PDFName.of('Font')));
  for (const [, ref] of fonts?.entries() ?? []) {
    const f = dictOf(doc, ref);
    if (!f || seen.has(f)) continue;
    seen.add(f);
    visit(f);
    // A Type 3 font's glyphs have resources of their own.
    walkResources(doc, dictOf(doc, f.get(PDFName.of('Resources'))), visit, seen);
  }
  for (const key of ['XObject', 'Pattern']) {
    for (const [, ref] of dictOf(doc, res.get(PDFName.of(key)))?.entries() ?? []) {
      walkResources(doc, dictOf(doc, dictOf(doc, ref)?.get(PDFName.of('Resources'))), visit, seen);
    }
  }
}

export function pdfaIssues(doc: PDFDocument, level: PdfaLevel = '2b'): PdfaIssue[] {
  const issues: PdfaIssue[] = [];
  if (doc.isEncrypted || doc.context.trailerInfo.Encrypt) issues.push({ code: 'encrypted', message: 'The document is encrypted' });
  const catalog = doc.catalog;
  checkAction(doc, catalog.get(PDFName.of('OpenAction')), 'the document open action', issues);
  checkAdditionalActions(doc, catalog, 'the document', issues);
  const names = dictOf(doc, catalog.get(PDFName.of('Names')));
  if (names?.get(PDFName.of('JavaScript'))) issues.push({ code: 'javascript', message: 'Document-level JavaScript (/Names /JavaScript)' });
  if (level === '2b' && names?.get(PDFName.of('EmbeddedFiles'))) {
    issues.push({
      code: 'embedded_file_not_allowed',
      message: 'Embedded files: PDF/A-2 allows only PDF/A attachments (use PDF/A-3b for other files)',
    });
  }
  const acroForm = dictOf(doc, catalog.get(PDFName.of('AcroForm')));
  const need = acroForm?.get(PDFName.of('NeedAppearances'));
  if (need instanceof PDFBool && need.asBoolean()) {
    issues.push({ code: 'need_appearances', message: 'The form asks viewers to build appearances (/NeedAppearances true)' });
  }
  const unembedded = new Map<string, number>();
  const seen = new Set<PDFDict>();
  doc.getPages().forEach((p, i) => {
    const page = i + 1;
    const visit = (f: PDFDict) => {
      if (fontEmbedded(doc, f)) return;
      const base = name(f.get(PDFName.of('BaseFont'))) ?? '(unnamed font)';
      if (!unembedded.has(base)) unembedded.set(base, page);
    };
    walkResources(doc, dictOf(doc, p.node.get(PDFName.of('Resources'))), visit, seen);
    checkAdditionalActions(doc, p.node, `page ${page}`, issues, page);
    for (const a of arrayOf(doc, p.node.get(PDFName.of('Annots')))) {
      const annot = dictOf(doc, a);
      if (!annot) continue;
      const sub = name(annot.get(PDFName.of('Subtype'))) ?? '';
      checkAction(doc, annot.get(PDFName.of('A')), `a ${sub} annotation`, issues, page);
      checkAdditionalActions(doc, annot, `a ${sub} annotation`, issues, page);
      const flags = Number(annot.get(PDFName.of('F'))?.toString() ?? 0);
      if (flags & 0b10) issues.push({ code: 'annotation_hidden', message: `A hidden ${sub} annotation`, page });
      const ap = dictOf(doc, annot.get(PDFName.of('AP')));
      if (!NO_APPEARANCE_NEEDED.has(sub) && !ap?.get(PDFName.of('N'))) {
        issues.push({ code: 'annotation_without_appearance', message: `A ${sub} annotation without an appearance stream`, page });
      }
      for (const n of ['N', 'R', 'D']) {
        walkResources(doc, dictOf(doc, dictOf(doc, ap?.get(PDFName.of(n)))?.get(PDFName.of('Resources'))), visit, seen);
      }
    }
  });
  for (const [font, page] of unembedded) {
    issues.push({ code: 'font_not_embedded', font, page, message: `Font ${font} is not embedded (first used on page ${page})` });
  }
  return issues;
}
