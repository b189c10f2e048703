import { MAX_PAGE_POINTS, type FieldInput, type FieldType } from '@/shared/domain/field.js';
import { BindingKeyAllocator } from './binding-key.js';
import type { InspectedField, InspectedWidget } from './schema.js';

/**
 * AcroForm fields → suggested template fields (the template field shape), to import an uploaded form.
 *
 * One suggested field per *widget* on a page (a template field is one box). The binding key is per
 * AcroForm field: every widget of a field shares it (sanitised from the field name, unique), and
 * `advanced.acroFormName` carries the form field's full name so generation fills the form's own field.
 *
 * - text → `text` (multiLine, maxLength, comb → maxLength, required, font size and alignment from /DA, /Q)
 * - checkbox → `checkbox`
 * - radio group → one `radio` field per widget, each with `advanced.options = [its own option]`,
 *   all sharing the group's binding key: the renderer marks the widget whose option equals the
 *   value, and validate() checks the value against the union of the group's options.
 * - dropdown → `dropdown`; list box → `dropdown` with its options (multi-select is not modelled)
 * - signature → `signature`
 * - push button → `image` when it looks like an image placeholder (Acrobat's "image field" is a
 *   push button with an icon), otherwise skipped (Print, Submit, Reset…)
 * Widgets on no page, with an empty rectangle, or stacked exactly on another widget of the same
 * field are skipped with the reason.
 */

const IMAGE_BUTTON = /image|photo|picture|logo|portrait|avatar|qr|barcode|icon|symbol/i;

export interface Suggestions {
  fields: FieldInput[];
  skipped: { name: string; reason: string }[];
}

export function suggestFields(fields: InspectedField[]): Suggestions {
  const keys = new BindingKeyAllocator();
  const out: Suggestions = { fields: [], skipped: [] };
  for (const f of fields) {
    const type = templateType(f);
    if (!type) {
      out.skipped.push({
        name: f.name,
        reason: f.type === 'button' ? 'push button (an action such as print or submit, not data)' : `unsupported field type ${f.type}`,
      });
      continue;
    }
    // Some producers stack identical widgets (same page, same box): one template field per place.
    const seen = new Set<string>();
    const placed = f.widgets.filter((w): w is InspectedWidget & { page: number } => {
      const key = JSON.stringify([w.page, w.rect, w.onValue]);
      if (seen.has(key)) return false;
      seen.add(key);
      return usable(w);
    });
    if (placed.length === 0) {
      out.skipped.push({
        name: f.name,
        reason: f.widgets.length === 0 ? 'the field has no widget' : 'no widget of the field is on a page with a non-empty rectangle',
      });
      continue;
    }
    const bindingKey = keys.allocate(f.name);
    placed.forEach((w, i) => out.fields.push(toFieldInput(f, w, i, placed.length, type, bindingKey, f.widgets.indexOf(w))));
    const unplaced = f.widgets.length - placed.length;
    if (unplaced > 0)
      out.skipped.push({ name: f.name, reason: `${unplaced} widget(s) duplicated, on no page, or with an empty rectangle` });
  }
  return out;
}

function templateType(f: InspectedField): FieldType | undefined {
  switch (f.type) {
    case 'text':
      return 'text';
    case 'checkbox':
      return 'checkbox';
    case 'radio':
      return 'radio';
    case 'dropdown':
    case 'listbox':
      return 'dropdown';
    case 'signature':
      return 'signature';
    case 'button':
      return IMAGE_BUTTON.test(f.name) ? 'image' : undefined;
    default:
      return undefined;
  }
}

function usable(w: InspectedWidget): w is InspectedWidget & { page: number } {
  const r = w.rect;
  const inRange = (n: number) => Number.isFinite(n) && Math.abs(n) <= MAX_PAGE_POINTS;
  return (
    w.page !== null &&
    r.width > 0 &&
    r.height > 0 &&
    r.width <= MAX_PAGE_POINTS &&
    r.height <= MAX_PAGE_POINTS &&
    inRange(r.x) &&
    inRange(r.y)
  );
}

function toFieldInput(
  f: InspectedField,
  w: InspectedWidget & { page: number },
  index: number,
  count: number,
  type: FieldType,
  bindingKey: string,
  widget: number,
): FieldInput {
  const label = f.type === 'radio' && w.onValue !== undefined ? `${f.name} = ${w.onValue}` : count > 1 ? `${f.name} #${index + 1}` : f.name;
  const advanced: NonNullable<FieldInput['advanced']> = { acroFormName: f.name, acroFormWidget: widget };
  const validation: NonNullable<FieldInput['validation']> = {};
  if (f.required) {
    advanced.required = true;
    validation.required = true;
  }
  if (f.multiline) advanced.multiLine = true;
  if (f.maxLength !== undefined) {
    advanced.maxLength = f.maxLength;
    validation.maxLength = f.maxLength;
  }
  if (type === 'radio') {
    if (w.onValue !== undefined) advanced.options = [w.onValue];
  } else if (f.options && f.options.length > 0) {
    advanced.options = f.options.slice(0, 1000).map((o) => o.slice(0, 500));
  }
  const style: NonNullable<FieldInput['style']> = {};
  if (f.fontSize !== undefined) style.fontSize = f.fontSize;
  if (f.textAlign !== undefined) style.textAlign = f.textAlign;
  return {
    name: label.slice(0, 200),
    type,
    page: w.page,
    position: { x: w.rect.x, y: w.rect.y },
    size: { width: w.rect.width, height: w.rect.height },
    bindingKey,
    style,
    advanced,
    validation,
  };
}
