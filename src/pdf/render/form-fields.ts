import {
  PDFCheckBox,
  PDFContentStream,
  PDFRawStream,
  PDFRef,
  PDFDict,
  PDFDropdown,
  PDFName,
  PDFOptionList,
  PDFRadioGroup,
  PDFStream,
  PDFTextField,
  defaultCheckBoxAppearanceProvider,
  drawLine,
  type AppearanceProviderFor,
  type Color,
  type PDFContext,
  type PDFField,
  type PDFObject,
  type PDFOperator,
} from 'pdf-lib';
import { fromUserRect } from '../coordinates.js';
import { PdfError } from '../errors.js';
import type { PreparedField } from './draw.js';
import { MIN_COMPRESS_CONTENT } from './page-update.js';

/**
 * The base PDF's own form fields as generation meets them: which form field each template field
 * fills (resolved once per compiled template), choosing exactly the given values of a choice
 * field, and the appearance checks that decide what must be (re)drawn.
 */

/**
 * Per compiled template (its prepared fields): the position, in `form.getFields()` order, of the
 * form field each imported template field fills. Every document is parsed from the same bytes, so
 * that order is the same each time; one `getFields()` per document then replaces a name lookup
 * per field (pdf-lib's getFieldMaybe rescans every field: quadratic in fields).
 */
const resolved = new WeakMap<readonly PreparedField[], Map<PreparedField, number>>();

export function ownFields(fields: readonly PDFField[], prepared: readonly PreparedField[]): Map<PreparedField, PDFField> {
  let positions = resolved.get(prepared);
  if (!positions) {
    positions = resolvePositions(fields, prepared);
    resolved.set(prepared, positions);
  }
  const out = new Map<PreparedField, PDFField>();
  for (const [p, i] of positions) if (fields[i]) out.set(p, fields[i]);
  return out;
}

function resolvePositions(fields: readonly PDFField[], prepared: readonly PreparedField[]): Map<PreparedField, number> {
  const byName = new Map<string, number[]>();
  fields.forEach((f, i) => {
    let name: string;
    try {
      name = f.getName();
    } catch {
      return; // a field without a readable name cannot be linked by one
    }
    const list = byName.get(name);
    if (list) list.push(i);
    else byName.set(name, [i]);
  });
  const out = new Map<PreparedField, number>();
  for (const p of prepared) {
    const name = p.field.advanced.acroFormName;
    const candidates = name !== undefined ? byName.get(name) : undefined;
    if (!candidates) continue;
    out.set(p, candidates.length === 1 ? candidates[0] : pickAmongNamesakes(fields, candidates, p));
  }
  return out;
}

/**
 * Two form fields with one name (two radio groups called alike): inspection suggested each of
 * them, with its own options and widget places. The one meant is the field of the right kind whose
 * options hold the template field's, nearest to the template field's box.
 */
function pickAmongNamesakes(fields: readonly PDFField[], candidates: number[], p: PreparedField): number {
  const { field } = p;
  const wanted = field.advanced.options ?? [];
  const score = (i: number): number => {
    const f = fields[i];
    let s = 0;
    const kind =
      f instanceof PDFRadioGroup ? 'radio' : f instanceof PDFCheckBox ? 'checkbox' : f instanceof PDFTextField ? 'text' : 'choice';
    const fits = field.type === 'radio' ? kind === 'radio' : field.type === 'checkbox' ? kind === 'checkbox' : kind !== 'radio';
    if (!fits) s += 1e9;
    if (wanted.length > 0 && !wanted.every((o) => optionsOf(f).includes(o))) s += 1e8;
    const widgets = f.acroField.getWidgets();
    const w = widgets[field.advanced.acroFormWidget ?? 0] ?? widgets[0];
    if (w) {
      const r = fromUserRect(p.pageBox, w.getRectangle());
      s += Math.hypot(r.x - field.position.x, r.y - field.position.y);
    }
    return s;
  };
  return candidates.reduce((best, i) => (score(i) < score(best) ? i : best));
}

function optionsOf(f: PDFField): string[] {
  try {
    if (f instanceof PDFRadioGroup || f instanceof PDFDropdown || f instanceof PDFOptionList) return f.getOptions();
  } catch {
    // unreadable options: matches nothing
  }
  return [];
}

export function invalidOption(p: PreparedField, v: string, options: string[]): PdfError {
  return new PdfError(
    'payload_invalid',
    `Field "${p.field.name}" (${p.field.bindingKey}): "${v}" is not one of the form field's options (${options.join(', ')})`,
    { fieldId: p.field.fieldId, value: v },
  );
}

/**
 * Sets a dropdown's or list box's selection to exactly the given value(s) — never merged with the
 * old selection (pdf-lib's `select(v, true)` kept an old value and turned the field multi-select,
 * or threw when the old value was no option). Returns the values chosen.
 */
export function selectExactly(f: PDFDropdown | PDFOptionList, p: PreparedField, value: unknown): string[] {
  const wanted = (Array.isArray(value) ? value : [value]).map((v) => String(v)).filter((v) => v !== '');
  if (wanted.length === 0) return [];
  let options: string[];
  try {
    options = f.getOptions();
  } catch {
    throw new PdfError('pdf_corrupt', `The PDF's form field "${p.field.advanced.acroFormName}" has options we cannot read`, {
      fieldId: p.field.fieldId,
    });
  }
  if (wanted.length > 1 && !f.isMultiselect()) {
    throw new PdfError('payload_invalid', `Field "${p.field.name}" (${p.field.bindingKey}) takes one value, not ${wanted.length}`, {
      fieldId: p.field.fieldId,
    });
  }
  const free = f instanceof PDFDropdown && f.isEditable();
  for (const v of wanted) if (!free && !options.includes(v)) throw invalidOption(p, v, options);
  // /I (selected indices) would still name the old choice in viewers that prefer it.
  f.acroField.dict.delete(PDFName.of('I'));
  if (f instanceof PDFDropdown) f.select(wanted.length === 1 ? wanted[0] : wanted, false);
  else f.select(wanted, false);
  return wanted;
}

/** Whether every widget of the field has a normal appearance a viewer can draw (a stream, or a state dictionary). */
export function hasAppearances(f: PDFField): boolean {
  return f.acroField.getWidgets().every((w) => {
    const ap = w.dict.lookup(PDFName.of('AP'));
    const n = ap instanceof PDFDict ? ap.lookup(PDFName.of('N')) : undefined;
    return n instanceof PDFStream || (n instanceof PDFDict && n.keys().length > 0);
  });
}

/** Line breaks are layout, not glyphs: a multi-line value keeps them (as \n), a single-line one gets spaces. */
export function normaliseBreaks(text: string, multiline: boolean): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029\v\f]/g, multiline ? '\n' : ' ');
}

/** A checkbox appearance whose on state is a cross (checkStyle 'cross') instead of pdf-lib's check mark. */
export function crossAppearance(color: Color): AppearanceProviderFor<PDFCheckBox> {
  return (checkBox, widget) => {
    const base = defaultCheckBoxAppearanceProvider(checkBox, widget) as {
      normal: { on: PDFOperator[]; off: PDFOperator[] };
      down?: { on: PDFOperator[]; off: PDFOperator[] };
    };
    const { width, height } = widget.getRectangle();
    const bw = widget.getBorderStyle()?.getWidth() ?? 0;
    const pad = bw + Math.min(width, height) * 0.2;
    const thickness = Math.max(1, Math.min(width, height) * 0.1);
    const cross = [
      ...drawLine({ start: { x: pad, y: pad }, end: { x: width - pad, y: height - pad }, thickness, color }),
      ...drawLine({ start: { x: pad, y: height - pad }, end: { x: width - pad, y: pad }, thickness, color }),
    ];
    const on = [...base.normal.off, ...cross];
    return { normal: { on, off: base.normal.off }, ...(base.down ? { down: { on, off: base.down.off } } : {}) };
  };
}

/**
 * Appearance streams pdf-lib just drew (a few hundred bytes each) are deflated one by one when
 * saved, and zlib's per-stream set-up made that a third of filling a 726-field form. Below the
 * engine's threshold for page content they are stored plain instead, as our page content is.
 * Streams parsed from the base (raw streams) are left as they are.
 */
export function plainSmallAppearances(ctx: PDFContext, fields: Iterable<PDFField>): void {
  const visit = (raw: PDFObject | undefined, depth: number): void => {
    const obj = raw instanceof PDFRef ? ctx.lookup(raw) : raw;
    if (raw instanceof PDFRef && obj instanceof PDFContentStream) {
      const body = obj.getUnencodedContents();
      if (body.length >= MIN_COMPRESS_CONTENT) return;
      const dict = obj.dict.clone(ctx);
      dict.delete(PDFName.of('Filter'));
      dict.set(PDFName.of('Length'), ctx.obj(body.length));
      ctx.assign(raw, PDFRawStream.of(dict, body));
    } else if (obj instanceof PDFDict && !(obj instanceof PDFStream) && depth === 0) {
      for (const [, v] of obj.entries()) visit(v, 1);
    }
  };
  for (const f of fields) {
    for (const w of f.acroField.getWidgets()) {
      const ap = w.dict.lookup(PDFName.of('AP'));
      if (!(ap instanceof PDFDict)) continue;
      for (const key of ['N', 'D', 'R']) visit(ap.get(PDFName.of(key)), 0);
    }
  }
}
