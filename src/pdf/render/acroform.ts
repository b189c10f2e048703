// pdf-lib's appearance streams lay text out with fontkit, whose Indic and Universal shapers are
// generator functions compiled for the regenerator runtime global: without it, a fillable
// Devanagari value throws "regeneratorRuntime is not defined".
import 'regenerator-runtime/runtime.js';
import type { PDFDocument, PDFFont, PDFForm } from 'pdf-lib';
import {
  PDFBool,
  PDFCheckBox,
  PDFDict,
  PDFDropdown,
  PDFName,
  PDFOptionList,
  PDFRadioGroup,
  PDFTextField,
  TextAlignment,
  rgb,
  type PDFField,
} from 'pdf-lib';
import { fieldInputSchema } from '@/shared/domain/field.js';
import { toUserRect } from '../coordinates.js';
import { fontSizeFromDa } from '../inspect/acroform.js';
import { PdfError } from '../errors.js';
import type { FontFace } from '../fonts/registry.js';
import type { CompiledState } from '../compiled-state.js';
import type { ComputedValues } from '../expressions/evaluate.js';
import type { GenerationWarning } from '../types.js';
import { drawOwnAppearance, needsOwnAppearance } from './appearance.js';
import { parseColor, type DocumentCanvas } from './canvas.js';
import { TEXT_LIKE, fieldText, fieldValue, styledField, type PreparedField } from './draw.js';
import { radioCells, truthy } from './shapes.js';
import { placeWidget } from './widget-place.js';
import { missingGlyph } from './text-layout.js';
import { flattenFormFields } from './flatten.js';
import { formFont } from '../fonts/form-font.js';
import {
  crossAppearance,
  hasAppearances,
  invalidOption,
  normaliseBreaks,
  ownFields,
  plainSmallAppearances,
  selectExactly,
} from './form-fields.js';

/**
 * Form fields through pdf-lib's AcroForm API (appearance streams, values): the base PDF's own
 * fields named by advanced.acroFormName, and — for fillable output — our text-like, checkbox,
 * radio and dropdown fields as new widgets. Returns the fields handled here (not drawn flat).
 * Text values in complex scripts get appearance streams drawn by our text engine on `canvas`'s
 * document fonts (appearance.ts).
 */
export async function fillForms(
  doc: PDFDocument,
  state: CompiledState,
  payload: Record<string, unknown>,
  flatten: boolean,
  canvas: DocumentCanvas,
  computed?: ComputedValues,
): Promise<Set<PreparedField>> {
  const { warnings } = canvas;
  const handled = new Set<PreparedField>();
  // Hybrid forms: the AcroForm is filled and the XFA dropped (viewers that prefer XFA would show
  // its old values); removed here so that pdf-lib's getForm() does not warn about it.
  dropXfa(doc);
  const form = doc.getForm();
  // getFields() builds a wrapper per field (a few ms per call on a 700-field form): read once, and
  // again at the end only if fillable output added fields.
  const baseFields = form.getFields();
  const own = ownFields(baseFields, state.fields);
  const names = new Set(baseFields.map((f) => safeName(f)));
  let added = false;
  const fontCache = new Map<string, PDFFont>();
  // Async for the callers' sake (they await it); the glyphs go into the document's own subsets.
  const pdfFont = async (face: FontFace): Promise<PDFFont> => {
    let f = fontCache.get(face.id);
    if (!f) {
      f = formFont(doc, canvas.fonts, face);
      fontCache.set(face.id, f);
    }
    return f;
  };
  /** One font must draw a form field's whole value (a widget has one /DA font). */
  const faceFor = (p: PreparedField, text: string): FontFace => {
    // Line breaks are laid out, not drawn: no font needs a glyph for them.
    const cps = [...text.replace(/[\r\n\u2028\u2029\v\f]/g, '')].map((c) => c.codePointAt(0)!);
    // find() opens files only as far as needed (a Latin value never reads the CJK font).
    const face = p.chain.find((f) => cps.every((cp) => f.has(cp)));
    if (face) return face;
    const faces = p.chain.all();
    // No single face has them all: name a character missing from every face, else one the widest face lacks.
    const bad = cps.find((cp) => !p.chain.pick(cp)) ?? cps.find((cp) => !faces[faces.length - 1].has(cp))!;
    throw missingGlyph(p.field, bad);
  };
  /** The /DA font of a field whose appearance is ours: the face of its first character (its glyphs are ours, not this font's). */
  const daFace = (p: PreparedField, text: string): FontFace => {
    const first = [...text].find((c) => c.trim() !== '')?.codePointAt(0);
    return (first !== undefined ? p.chain.pick(first) : undefined) ?? p.chain.primary();
  };
  let ownDrawn = false;
  /** Our appearance on every widget when the value needs shaping (true); false: the caller draws pdf-lib's. */
  const ownAppearance = (
    f: PDFTextField | PDFDropdown,
    p: Pick<PreparedField, 'field' | 'chain'> & { pageBox?: PreparedField['pageBox'] },
    text: string,
  ): boolean => {
    if (!needsOwnAppearance(p.field, text)) return false;
    const multi = f instanceof PDFTextField && f.isMultiline();
    for (const w of f.acroField.getWidgets()) drawOwnAppearance(canvas, w, p, text, multi, p.pageBox?.unit);
    return (ownDrawn = true);
  };
  const textAppearance = async (f: PDFTextField, p: PreparedField, text: string): Promise<void> => {
    if (!ownAppearance(f, p, text)) f.updateAppearances(await pdfFont(faceFor(p, text)));
  };
  const warn = (p: PreparedField, code: GenerationWarning['code'], message: string): void => {
    warnings.push({ fieldId: p.field.fieldId, name: p.field.name, bindingKey: p.field.bindingKey, code, message });
  };
  const used = new Set<string>();
  const radioGroups = new Map<string, PDFRadioGroup>();
  const redrawn = new Set<PDFField>();
  const uniqueName = (p: PreparedField): string => {
    let name = p.field.name.replace(/\./g, '_');
    if (used.has(name) || names.has(name)) name = `${name}_${p.field.fieldId}`.replace(/\./g, '_');
    used.add(name);
    return name;
  };

  for (const prepared of state.fields) {
    // The field as this document styles it (its matching style rules applied); `prepared` is the
    // compiled field itself, which the bookkeeping below is keyed by.
    const p: PreparedField = { ...prepared, ...styledField(prepared, computed) };
    const { field } = p;
    const { value, show } = fieldValue(field, payload, computed);
    const mine = own.get(prepared);
    if (mine) {
      handled.add(prepared);
      const resized = placeWidget(doc, mine, p);
      if (show) await fillOwn(mine, p, value);
      if (resized) await redrawAppearances(mine, p);
      continue;
    }
    if (flatten || !['text', 'number', 'date', 'dropdown', 'checkbox', 'radio'].includes(field.type)) continue;
    // Page numbers depend on the pages the document ends up with: drawn, never a form field.
    if (field.advanced.pageNumber !== undefined) continue;
    // Text that continues on other pages is page content: a form field cannot flow onto them.
    if (field.advanced.overflow === 'continue') continue;
    // Fillable output: a new widget at the field's place.
    handled.add(prepared);
    added = true;
    const page = doc.getPage(p.pageIndex);
    // A widget's /Rect is in the page's user-space units, not reached by our content's unit frame.
    const r = toUserRect(p.pageBox, { x: field.position.x, y: field.position.y, width: field.size.width, height: field.size.height });
    const tc = parseColor(field.style.textColor) ?? [0, 0, 0];
    const bg = parseColor(field.style.backgroundColor);
    const bc = parseColor(field.style.borderColor);
    // Sizes inside a widget (border, /DA font size) are user-space units too.
    const unit = p.pageBox.unit;
    const look = {
      textColor: rgb(...tc),
      backgroundColor: bg ? rgb(...bg) : undefined,
      borderColor: bc ? rgb(...bc) : undefined,
      borderWidth: field.style.borderWidth / unit,
    };
    if (field.type === 'checkbox') {
      const cb = form.createCheckBox(uniqueName(p));
      cb.addToPage(page, { ...r, ...look });
      if (field.advanced.checkStyle === 'cross') cb.updateAppearances(crossAppearance(look.textColor));
      if (show && truthy(value)) cb.check();
    } else if (field.type === 'radio') {
      const group = field.bindingKey.replace(/\./g, '_');
      let rg = radioGroups.get(group);
      if (!rg) {
        rg = form.createRadioGroup(names.has(group) ? `${group}_${field.fieldId}` : group);
        radioGroups.set(group, rg);
      }
      // An unselected radio must still show its circle: pdf-lib draws none without a border colour.
      const circle = { ...look, borderColor: look.borderColor ?? look.textColor, borderWidth: Math.max(1, look.borderWidth ?? 0) };
      for (const cell of radioCells(field, r.width, r.height)) {
        rg.addOptionToPage(cell.option ?? 'On', page, { ...circle, x: r.x + cell.x, y: r.y + cell.y, width: cell.w, height: cell.h });
      }
      if (show && value !== undefined && value !== null && rg.getOptions().includes(String(value))) rg.select(String(value));
    } else if (field.type === 'dropdown') {
      const dd = form.createDropdown(uniqueName(p));
      dd.addOptions(field.advanced.options ?? []);
      const text = show && value != null && value !== '' ? fieldText(field, value).text : '';
      if (needsOwnAppearance(field, text)) {
        // As for text fields: placed empty, then our appearance of the chosen value.
        dd.addToPage(page, { ...r, ...look, font: await pdfFont(daFace(p, text)) });
        if (text) dd.select(text, false);
        dd.setFontSize(drawOwnAppearance(canvas, dd.acroField.getWidgets()[0], p, text, false, unit));
        ownDrawn = true;
        continue;
      }
      const face = faceFor(p, (field.advanced.options ?? []).join('') + text);
      if (text) dd.select(text, false);
      dd.addToPage(page, { ...r, ...look, font: await pdfFont(face) });
      dd.setFontSize(field.style.fontSize / unit);
      dd.updateAppearances(await pdfFont(face));
    } else if (TEXT_LIKE.has(field.type)) {
      const tf = form.createTextField(uniqueName(p));
      const raw = show && value != null && value !== '' ? fieldText(field, value) : { text: '', truncated: false };
      const text = { ...raw, text: normaliseBreaks(raw.text, field.advanced.multiLine) };
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
      if (needsOwnAppearance(field, text.text)) {
        // Placed while still empty, so that pdf-lib draws no appearance of its own for the value.
        tf.addToPage(page, { ...r, ...look, font: await pdfFont(daFace(p, text.text)) });
        tf.setText(text.text);
        tf.setFontSize(drawOwnAppearance(canvas, tf.acroField.getWidgets()[0], p, text.text, field.advanced.multiLine, unit));
        ownDrawn = true;
        continue;
      }
      tf.setText(text.text);
      const face = faceFor(p, text.text);
      const font = await pdfFont(face);
      tf.addToPage(page, { ...r, ...look, font });
      tf.setFontSize(fillableFontSize(p, text.text, font, r.width * unit) / unit);
      tf.updateAppearances(font);
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
      text = normaliseBreaks(text, f.isMultiline());
      f.setText(text);
      await textAppearance(f, p, text);
    } else if (f instanceof PDFCheckBox) {
      // pdf-lib's check() finds the on state in the appearances: a widget without any gets them first.
      if (!hasAppearances(f)) f.updateAppearances();
      if (truthy(value)) f.check();
      else f.uncheck();
    } else if (f instanceof PDFRadioGroup) {
      if (value === undefined || value === null || value === '') return;
      const v = String(value);
      if (!f.getOptions().includes(v)) throw invalidOption(p, v, f.getOptions());
      f.select(v);
    } else if (f instanceof PDFDropdown || f instanceof PDFOptionList) {
      if (value === undefined || value === null || value === '') return;
      const chosen = selectExactly(f, p, value);
      if (!(f instanceof PDFDropdown && ownAppearance(f, p, chosen[0] ?? ''))) {
        const face = faceFor(p, (f instanceof PDFOptionList ? f.getOptions() : chosen).join(''));
        f.updateAppearances(await pdfFont(face));
      }
    }
    redrawn.add(f);
  }

  /** Appearances for a resized widget (the old ones were drawn for its old size). */
  async function redrawAppearances(f: PDFField, p: PreparedField): Promise<void> {
    try {
      if (f instanceof PDFCheckBox || f instanceof PDFRadioGroup) f.updateAppearances();
      else if (f instanceof PDFTextField) await textAppearance(f, p, f.getText() ?? '');
      else if (f instanceof PDFDropdown) {
        if (!ownAppearance(f, p, f.getSelected()[0] ?? '')) f.updateAppearances(await pdfFont(faceFor(p, f.getSelected().join(''))));
      } else if (f instanceof PDFOptionList) f.updateAppearances(await pdfFont(faceFor(p, f.getOptions().join(''))));
    } catch (err) {
      // Only the PDF's own pre-filled text can get here (a payload value was checked by fillOwn):
      // if no font of ours draws it, its original appearance stays, drawn at the old size.
      if (!(err instanceof PdfError)) throw err;
    }
  }

  const fallbackChain = state.fonts.chain('Liberation Sans', false, false);
  const fallback = fallbackChain.primary();
  /** The base's own pre-filled complex-script text, drawn by our engine at the /DA size in Liberation Sans's chain. */
  const prefilled = (f: PDFTextField, text: string): boolean => {
    const r = f.acroField.getWidgets()[0]?.getRectangle();
    const size = { width: Math.max(1, r?.width ?? 1), height: Math.max(1, r?.height ?? 1) };
    const fontSize = fontSizeFromDa(f.acroField.getDefaultAppearance() ?? '') ?? 12;
    const spec = fieldInputSchema.parse({
      name: 'prefilled',
      type: 'text',
      page: 1,
      position: { x: 0, y: 0 },
      size,
      bindingKey: 'prefilled',
      style: { fontSize },
    });
    return ownAppearance(f, { field: { fieldId: '', ...spec }, chain: fallbackChain }, text);
  };
  const fields = added ? form.getFields() : baseFields;
  await ensureAppearances(
    form,
    fields,
    redrawn,
    await pdfFont(fallback),
    (t) => [...t].every((c) => fallback.has(c.codePointAt(0)!)),
    prefilled,
  );
  // A viewer asked to regenerate appearances (poppler does) would replace our shaped ones with its own.
  if (ownDrawn) form.acroForm.dict.set(PDFName.of('NeedAppearances'), PDFBool.False);
  plainSmallAppearances(doc.context, fields);
  if (flatten) flattenFormFields(doc, fields);
  return handled;
}

/**
 * Fields the PDF shows through /NeedAppearances (the viewer is asked to draw them) or with no
 * appearance stream at all get one drawn here, so every viewer — and flattening — shows their
 * values; text that needs shaping gets ours (`shaped`). A value no bundled face can draw keeps whatever the PDF had.
 */
async function ensureAppearances(
  form: PDFForm,
  fields: readonly PDFField[],
  done: Set<PDFField>,
  font: PDFFont,
  drawable: (text: string) => boolean,
  shaped: (f: PDFTextField, text: string) => boolean,
): Promise<void> {
  const needAll = form.acroForm.dict.lookup(PDFName.of('NeedAppearances')) === PDFBool.True;
  for (const f of fields) {
    if (done.has(f)) continue;
    const missing = !hasAppearances(f);
    if (!missing && !(needAll && (f instanceof PDFTextField || f instanceof PDFDropdown || f instanceof PDFOptionList))) continue;
    try {
      if (f instanceof PDFCheckBox || f instanceof PDFRadioGroup) {
        if (missing) f.updateAppearances();
      } else if (f instanceof PDFTextField) {
        const text = normaliseBreaks(f.getText() ?? '', f.isMultiline());
        if (!shaped(f, text) && drawable(text.replace(/\n/g, ''))) f.updateAppearances(font);
      } else if (f instanceof PDFDropdown || f instanceof PDFOptionList) {
        if (drawable(f.getOptions().join(''))) f.updateAppearances(font);
      }
    } catch {
      // A field pdf-lib cannot draw (odd /DA, broken /Opt) keeps what the PDF has; flattening skips it.
    }
  }
}

/**
 * The configured size, as our flat text uses it; shrink mode (the default) lowers it only as far
 * as a single-line value needs to fit, like the flat renderer, instead of auto size (0).
 */
function fillableFontSize(p: PreparedField, text: string, font: PDFFont, width: number): number {
  const size = p.field.style.fontSize;
  if (p.field.advanced.overflow !== 'shrink' || p.field.advanced.multiLine || text === '') return size;
  const avail = Math.max(1, width - 4);
  const need = font.widthOfTextAtSize(text, size);
  return need <= avail ? size : Math.max(4, Math.floor(((size * avail) / need) * 10) / 10);
}

function dropXfa(doc: PDFDocument): void {
  const acroForm = doc.catalog.lookup(PDFName.of('AcroForm'));
  if (acroForm instanceof PDFDict) acroForm.delete(PDFName.of('XFA'));
  doc.catalog.delete(PDFName.of('NeedsRendering'));
}

function safeName(f: PDFField): string {
  try {
    return f.getName();
  } catch {
    return '';
  }
}
