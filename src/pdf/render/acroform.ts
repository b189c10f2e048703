import type { PDFDocument, PDFFont, PDFForm, PDFWidgetAnnotation } from 'pdf-lib';
import { PDFCheckBox, PDFDropdown, PDFName, PDFRadioGroup, PDFTextField, TextAlignment, rgb, type PDFField } from 'pdf-lib';
import { toPdfRect } from '../coordinates.js';
import { PdfError } from '../errors.js';
import type { FontFace } from '../fonts/registry.js';
import type { CompiledState } from '../compiled-state.js';
import type { GenerationWarning } from '../types.js';
import { parseColor } from './canvas.js';
import { TEXT_LIKE, fieldText, fieldValue, type PreparedField } from './draw.js';
import { radioCells, truthy } from './shapes.js';
import { placeWidget } from './widget-place.js';
import { missingGlyph } from './text-layout.js';

/**
 * Form fields through pdf-lib's AcroForm API (appearance streams, values): the base PDF's own
 * fields named by advanced.acroFormName, and — for fillable output — our text-like, checkbox,
 * radio and dropdown fields as new widgets. Returns the fields handled here (not drawn flat).
 */
export async function fillForms(
  doc: PDFDocument,
  state: CompiledState,
  payload: Record<string, unknown>,
  flatten: boolean,
  warnings: GenerationWarning[],
): Promise<Set<PreparedField>> {
  const handled = new Set<PreparedField>();
  const form = doc.getForm();
  const fontCache = new Map<string, PDFFont>();
  const pdfFont = async (face: FontFace): Promise<PDFFont> => {
    let f = fontCache.get(face.id);
    if (!f) {
      f = await doc.embedFont(face.bytes, { subset: true });
      fontCache.set(face.id, f);
    }
    return f;
  };
  /** One font must draw a form field's whole value (a widget has one /DA font). */
  const faceFor = (p: PreparedField, text: string): FontFace => {
    const cps = [...text].map((c) => c.codePointAt(0)!);
    // find() opens files only as far as needed (a Latin value never reads the CJK font).
    const face = p.chain.find((f) => cps.every((cp) => f.has(cp)));
    if (face) return face;
    const faces = p.chain.all();
    // No single face has them all: name a character missing from every face, else one the widest face lacks.
    const bad = cps.find((cp) => !p.chain.pick(cp)) ?? cps.find((cp) => !faces[faces.length - 1].has(cp))!;
    throw missingGlyph(p.field, bad);
  };
  const warn = (p: PreparedField, code: GenerationWarning['code'], message: string): void => {
    warnings.push({ fieldId: p.field.fieldId, name: p.field.name, bindingKey: p.field.bindingKey, code, message });
  };
  const used = new Set<string>();
  const uniqueName = (p: PreparedField): string => {
    let name = p.field.name.replace(/\./g, '_');
    if (used.has(name) || form.getFieldMaybe(name)) name = `${name}_${p.field.fieldId}`.replace(/\./g, '_');
    used.add(name);
    return name;
  };

  for (const p of state.fields) {
    const { field } = p;
    const { value, show } = fieldValue(field, payload);
    const own = field.advanced.acroFormName ? form.getFieldMaybe(field.advanced.acroFormName) : undefined;
    if (own) {
      handled.add(p);
      const resized = placeWidget(doc, own, p);
      if (show) await fillOwn(own, p, value);
      if (resized) await redrawAppearances(own, p);
      continue;
    }
    if (flatten || !['text', 'number', 'date', 'dropdown', 'checkbox', 'radio'].includes(field.type)) continue;
    // Fillable output: a new widget at the field's place.
    handled.add(p);
    const page = doc.getPage(p.pageIndex);
    const r = toPdfRect(p.pageBox, { x: field.position.x, y: field.position.y, width: field.size.width, height: field.size.height });
    const tc = parseColor(field.style.textColor) ?? [0, 0, 0];
    const bg = parseColor(field.style.backgroundColor);
    const bc = parseColor(field.style.borderColor);
    const look = {
      textColor: rgb(...tc),
      backgroundColor: bg ? rgb(...bg) : undefined,
      borderColor: bc ? rgb(...bc) : undefined,
      borderWidth: field.style.borderWidth,
    };
    if (field.type === 'checkbox') {
      const cb = form.createCheckBox(uniqueName(p));
      cb.addToPage(page, { ...r, ...look });
      if (show && truthy(value)) cb.check();
    } else if (field.type === 'radio') {
      const group = field.bindingKey.replace(/\./g, '_');
      const rg = (form.getFieldMaybe(group) as PDFRadioGroup | undefined) ?? form.createRadioGroup(group);
      for (const cell of radioCells(field, r.width, r.height)) {
        rg.addOptionToPage(cell.option ?? 'On', page, { ...look, x: r.x + cell.x, y: r.y + cell.y, width: cell.w, height: cell.h });
      }
      if (show && value !== undefined && value !== null && rg.getOptions().includes(String(value))) rg.select(String(value));
    } else if (field.type === 'dropdown') {
      const dd = form.createDropdown(uniqueName(p));
      dd.addOptions(field.advanced.options ?? []);
      const text = show && value != null && value !== '' ? fieldText(field, value).text : '';
      const face = faceFor(p, (field.advanced.options ?? []).join('') + text);
      if (text) dd.select(text, true);
      dd.addToPage(page, { ...r, ...look, font: await pdfFont(face) });
      dd.setFontSize(field.style.fontSize);
      dd.updateAppearances(await pdfFont(face));
    } else if (TEXT_LIKE.has(field.type)) {
      const tf = form.createTextField(uniqueName(p));
      const text = show && value != null && value !== '' ? fieldText(field, value) : { text: '', truncated: false };
      if (text.truncated) warn(p, 'truncated_max_length', `Value cut to maxLength ${field.advanced.maxLength} characters`);
      if (field.advanced.maxLength) tf.setMaxLength(field.advanced.maxLength);
      if (field.advanced.multiLine) tf.enableMultiline();
      tf.setAlignment(
        field.style.textAlign === 'center'
          ? TextAlignment.Center
          : field.style.textAlign === 'right'
            ? TextAlignment.Right
            : TextAlignment.Left,
      );
      tf.setText(text.text);
      const face = faceFor(p, text.text);
      tf.addToPage(page, { ...r, ...look, font: await pdfFont(face) });
      // Font size 0 = auto-fit in viewers, as our shrink mode does.
      tf.setFontSize(field.advanced.overflow === 'shrink' ? 0 : field.style.fontSize);
      tf.updateAppearances(await pdfFont(face));
    }
  }

  async function fillOwn(f: PDFField, p: PreparedField, value: unknown): Promise<void> {
    const { field } = p;
    if (f instanceof PDFTextField) {
      if (value === undefined || value === null || value === '') return;
      let { text, truncated } = TEXT_LIKE.has(field.type) ? fieldText(field, value) : { text: String(value), truncated: false };
      const max = f.getMaxLength();
      if (max !== undefined && [...text].length > max) {
        text = [...text].slice(0, max).join('');
        truncated = true;
      }
      if (truncated) warn(p, 'truncated_max_length', `Value cut to the field's maxLength`);
      f.setText(text);
      f.updateAppearances(await pdfFont(faceFor(p, text)));
    } else if (f instanceof PDFCheckBox) {
      if (truthy(value)) f.check();
      else f.uncheck();
    } else if (f instanceof PDFRadioGroup) {
      if (value === undefined || value === null || value === '') return;
      const v = String(value);
      if (!f.getOptions().includes(v)) throw invalidOption(p, v, f.getOptions());
      f.select(v);
    } else if (f instanceof PDFDropdown) {
      if (value === undefined || value === null || value === '') return;
      const v = String(value);
      if (!f.getOptions().includes(v) && !f.isEditable()) throw invalidOption(p, v, f.getOptions());
      f.select(v, true);
      f.updateAppearances(await pdfFont(faceFor(p, v)));
    }
  }

  /** Appearances for a resized widget (the old ones were drawn for its old size). */
  async function redrawAppearances(f: PDFField, p: PreparedField): Promise<void> {
    try {
      if (f instanceof PDFCheckBox || f instanceof PDFRadioGroup) f.updateAppearances();
      else if (f instanceof PDFTextField) f.updateAppearances(await pdfFont(faceFor(p, f.getText() ?? '')));
      else if (f instanceof PDFDropdown) f.updateAppearances(await pdfFont(faceFor(p, f.getSelected().join(''))));
    } catch (err) {
      // Only the PDF's own pre-filled text can get here (a payload value was checked by fillOwn):
      // if no font of ours draws it, its original appearance stays, drawn at the old size.
      if (!(err instanceof PdfError)) throw err;
    }
  }

  if (flatten) await flattenForm(form, await pdfFont(state.fonts.chain('Liberation Sans', false, false).primary()));
  return handled;
}

/**
 * pdf-lib's flatten throws on the first widget without an appearance stream (common in real
 * forms); those get one generated (or, failing that, are dropped) and flattening resumes.
 */
async function flattenForm(form: PDFForm, font: PDFFont): Promise<void> {
  try {
    form.flatten({ updateFieldAppearances: false });
    return;
  } catch {
    // fall through: repair and retry
  }
  const ctx = form.doc.context;
  const blank = ctx.register(ctx.stream('', { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 1, 1] }));
  // pdf-lib's own lookup (private) decides what flatten can draw; ask it per widget.
  const lookup = form as unknown as { findWidgetAppearanceRef(f: PDFField, w: PDFWidgetAnnotation): unknown };
  const brokenWidgets = (f: PDFField): PDFWidgetAnnotation[] =>
    f.acroField.getWidgets().filter((w) => {
      try {
        lookup.findWidgetAppearanceRef(f, w);
        return false;
      } catch {
        return true;
      }
    });
  for (const f of form.getFields()) {
    if (brokenWidgets(f).length === 0) continue;
    try {
      if (f instanceof PDFCheckBox || f instanceof PDFRadioGroup) f.updateAppearances();
      else if (f instanceof PDFTextField || f instanceof PDFDropdown) f.updateAppearances(font);
    } catch {
      // repaired below
    }
    // Nothing drawable: an empty appearance, so it flattens to nothing.
    for (const w of brokenWidgets(f)) {
      w.dict.set(PDFName.of('AP'), ctx.obj({ N: blank }));
      w.dict.delete(PDFName.of('AS'));
    }
  }
  form.flatten({ updateFieldAppearances: false });
}

function invalidOption(p: PreparedField, v: string, options: string[]): PdfError {
  return new PdfError(
    'payload_invalid',
    `Field "${p.field.name}" (${p.field.bindingKey}): "${v}" is not one of the form field's options (${options.join(', ')})`,
    { fieldId: p.field.fieldId },
  );
}
