import {
  PDFArray,
  PDFButton,
  PDFCheckBox,
  PDFDict,
  PDFDropdown,
  PDFName,
  PDFNumber,
  PDFOptionList,
  PDFRadioGroup,
  PDFSignature,
  PDFString,
  PDFHexString,
  PDFTextField,
  type PDFDocument,
  type PDFField,
  type PDFWidgetAnnotation,
} from 'pdf-lib';
import { fromUserRect, rectFromArray, visibleBox, type PageBox } from '../coordinates.js';
import type { AcroFormFieldType, InspectedField, InspectedWidget } from './schema.js';

/**
 * Reads a document's AcroForm through pdf-lib's form API. Each field is read on its own: a field
 * pdf-lib cannot make sense of is reported as skipped, never fails the whole inspection.
 */

export interface XfaInfo {
  xfa: boolean;
  /** XFA present and no AcroForm fields (a "dynamic" LiveCycle form). */
  xfaOnly: boolean;
}

/** Looks for XFA *before* `getForm()`, which strips XFA from the document it is called on. */
export function detectXfa(doc: PDFDocument): XfaInfo {
  const acroForm = doc.catalog.lookup(PDFName.of('AcroForm'));
  if (!(acroForm instanceof PDFDict)) return { xfa: false, xfaOnly: false };
  const xfa = acroForm.get(PDFName.of('XFA')) !== undefined;
  const fields = acroForm.lookup(PDFName.of('Fields'));
  const hasFields = fields instanceof PDFArray && fields.size() > 0;
  return { xfa, xfaOnly: xfa && !hasFields };
}

export interface AcroFormRead {
  fields: InspectedField[];
  skipped: { name: string; reason: string }[];
  truncated: boolean;
}

export function readAcroForm(doc: PDFDocument, maxFields: number): AcroFormRead {
  const out: AcroFormRead = { fields: [], skipped: [], truncated: false };
  const acroForm = doc.catalog.lookup(PDFName.of('AcroForm'));
  if (!(acroForm instanceof PDFDict)) return out; // no form: do not let getForm() create one
  let all: PDFField[];
  // Our copy only: drop XFA ourselves, as getForm() would (with a console warning), so it stays quiet.
  acroForm.delete(PDFName.of('XFA'));
  try {
    all = doc.getForm().getFields();
  } catch (err) {
    out.skipped.push({ name: '(form)', reason: `the AcroForm could not be read: ${(err as Error).message}` });
    return out;
  }
  if (all.length > maxFields) {
    out.truncated = true;
    all = all.slice(0, maxFields);
  }
  const pages = doc.getPages();
  const boxes: PageBox[] = pages.map((p) => visibleBox(p));
  const pageOf = widgetPages(doc);
  const defaultDa = stringOf(acroForm.lookup(PDFName.of('DA')));

  for (const field of all) {
    let name = '(unnamed)';
    try {
      name = field.getName();
      out.fields.push(readField(field, name, boxes, pageOf, defaultDa));
    } catch (err) {
      out.skipped.push({ name, reason: `unreadable field: ${(err as Error).message}` });
    }
  }
  return out;
}

interface PageIndex {
  /** Annotation dictionary → 0-based page index, from every page's /Annots (widgets often lack /P). */
  byAnnot: Map<PDFDict, number>;
  /** Page dictionary → 0-based index, for widgets that name their page with /P but are in no /Annots. */
  byPage: Map<PDFDict, number>;
}

function widgetPages(doc: PDFDocument): PageIndex {
  const index: PageIndex = { byAnnot: new Map(), byPage: new Map() };
  doc.getPages().forEach((page, i) => {
    index.byPage.set(page.node, i);
    const annots = page.node.lookup(PDFName.of('Annots'));
    if (!(annots instanceof PDFArray)) return;
    for (let k = 0; k < annots.size(); k++) {
      const a = annots.lookup(k);
      if (a instanceof PDFDict && !index.byAnnot.has(a)) index.byAnnot.set(a, i);
    }
  });
  return index;
}

function fieldType(field: PDFField): AcroFormFieldType {
  if (field instanceof PDFTextField) return 'text';
  if (field instanceof PDFCheckBox) return 'checkbox';
  if (field instanceof PDFRadioGroup) return 'radio';
  if (field instanceof PDFDropdown) return 'dropdown';
  if (field instanceof PDFOptionList) return 'listbox';
  if (field instanceof PDFButton) return 'button';
  if (field instanceof PDFSignature) return 'signature';
  return 'unknown';
}

function readField(field: PDFField, name: string, boxes: PageBox[], pageOf: PageIndex, defaultDa: string | undefined): InspectedField {
  const type = fieldType(field);
  const widgets = field.acroField.getWidgets();
  const exportValues = radioExportValues(field);
  const inspectedWidgets: InspectedWidget[] = widgets.map((w, i) => {
    const index = pageIndexOf(w, pageOf);
    const raw = w.Rect()?.asRectangle();
    const arr = w
      .Rect()
      ?.asArray()
      .map((n) => (n instanceof PDFNumber ? n.asNumber() : 0)) as [number, number, number, number] | undefined;
    const pdfRect = arr && arr.length === 4 ? rectFromArray(arr) : { x: raw?.x ?? 0, y: raw?.y ?? 0, width: 0, height: 0 };
    const box = index !== undefined ? boxes[index] : undefined;
    const rect = box ? round(fromUserRect(box, pdfRect)) : round(pdfRect);
    const widget: InspectedWidget = { page: index !== undefined ? index + 1 : null, rect };
    if (type === 'checkbox' || type === 'radio') {
      const on = w.getOnValue();
      const text = exportValues?.[i] ?? on?.decodeText();
      if (text !== undefined) widget.onValue = text;
    }
    return widget;
  });
  const first = inspectedWidgets.find((w) => w.page !== null);
  const result: InspectedField = {
    name,
    type,
    page: first?.page ?? null,
    rect: first?.rect ?? null,
    widgets: inspectedWidgets,
    value: null,
    readOnly: field.isReadOnly(),
    required: field.isRequired(),
  };

  if (field instanceof PDFTextField) {
    result.value = field.getText() ?? null;
    const max = field.getMaxLength();
    if (max !== undefined && max > 0) result.maxLength = max;
    result.multiline = field.isMultiline();
    result.comb = field.isCombed();
    result.password = field.isPassword();
  } else if (field instanceof PDFCheckBox) {
    result.value = field.isChecked();
  } else if (field instanceof PDFRadioGroup) {
    result.options = unique(inspectedWidgets.map((w) => w.onValue).filter((v): v is string => v !== undefined));
    result.value = field.getSelected() ?? null;
  } else if (field instanceof PDFDropdown || field instanceof PDFOptionList) {
    result.options = field.getOptions();
    const selected = field.getSelected();
    result.value = field.isMultiselect() ? selected : (selected[0] ?? null);
    result.multiSelect = field.isMultiselect();
    if (field instanceof PDFDropdown) result.editable = field.isEditable();
  } else if (field instanceof PDFSignature) {
    result.value = field.acroField.dict.get(PDFName.of('V')) !== undefined;
  }

  const da =
    widgets.map((w) => stringOf(w.dict.lookup(PDFName.of('DA')))).find(Boolean) ??
    stringOf(field.acroField.dict.lookup(PDFName.of('DA'))) ??
    defaultDa;
  const size = da ? fontSizeFromDa(da) : undefined;
  // /DA sizes are in the widget's user-space units, like its /Rect; ours are points (see coordinates.ts).
  const unit = first?.page ? (boxes[first.page - 1]?.unit ?? 1) : 1;
  if (size !== undefined) result.fontSize = Math.round(size * unit * 100) / 100;
  const q = field.acroField.dict.lookup(PDFName.of('Q'));
  if (q instanceof PDFNumber) result.textAlign = q.asNumber() === 1 ? 'center' : q.asNumber() === 2 ? 'right' : 'left';
  return result;
}

function pageIndexOf(w: PDFWidgetAnnotation, pages: PageIndex): number | undefined {
  const direct = pages.byAnnot.get(w.dict);
  if (direct !== undefined) return direct;
  const p = w.dict.lookup(PDFName.of('P'));
  return p instanceof PDFDict ? pages.byPage.get(p) : undefined;
}

/** Radio groups with /Opt: widget i stands for Opt[i] (its appearance state is then an index). */
function radioExportValues(field: PDFField): string[] | undefined {
  if (!(field instanceof PDFRadioGroup) && !(field instanceof PDFCheckBox)) return undefined;
  const opt = field.acroField.dict.lookup(PDFName.of('Opt'));
  if (!(opt instanceof PDFArray)) return undefined;
  const values: string[] = [];
  for (let i = 0; i < opt.size(); i++) values.push(stringOf(opt.lookup(i)) ?? String(i));
  return values;
}

function stringOf(obj: unknown): string | undefined {
  if (obj instanceof PDFString || obj instanceof PDFHexString) return obj.decodeText();
  return undefined;
}

/** `/Helv 12 Tf 0 g` → 12. Size 0 means auto-size: no fixed size to suggest. */
export function fontSizeFromDa(da: string): number | undefined {
  const m = /\/[^\s/]+\s+(-?\d+(?:\.\d+)?)\s+Tf/.exec(da);
  if (!m) return undefined;
  const size = Number(m[1]);
  return size > 0 && size <= 500 ? size : undefined;
}

function round(r: { x: number; y: number; width: number; height: number }) {
  const k = (n: number) => Math.round(n * 100) / 100;
  return { x: k(r.x), y: k(r.y), width: k(r.width), height: k(r.height) };
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
