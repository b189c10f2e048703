import type { TemplatePage } from '@/shared/domain/template.js';

/**
 * Where a template's fields go when its base PDF is replaced by a new revision. A field that came
 * from an AcroForm field (advanced.acroFormName) follows that form field into the new PDF when the
 * new PDF has one of the same name: to its widget's page and rectangle. Every other field keeps its
 * page and coordinates ("by position"): the common case of a revised document whose layout barely
 * changed. A box that would fall off the new pages (its page is gone, or it runs past the page's
 * edge) is brought onto the last page or inside the page and flagged, so nothing is lost and the
 * designer is told which fields to look at.
 */

export interface Box {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface MatchableField {
  fieldId: string;
  name: string;
  bindingKey: string;
  page: number;
  position: { x: number; y: number };
  size: { width: number; height: number };
  advanced?: { acroFormName?: string; acroFormWidget?: number };
}

/** A form field widget of the new PDF, as file processing suggests it (a FieldInput). */
export interface FormWidget {
  page: number;
  position: { x: number; y: number };
  size: { width: number; height: number };
  advanced?: { acroFormName?: string; acroFormWidget?: number };
}

export type MatchStatus = 'kept' | 'moved' | 'moved_page' | 'outside';

export interface FieldMatch {
  fieldId: string;
  name: string;
  bindingKey: string;
  /** form_field: found by AcroForm name in the new PDF; position: kept where it was. */
  matchedBy: 'form_field' | 'position';
  status: MatchStatus;
  from: Box;
  to: Box;
  /** Why the field needs a look, in words; absent for a field that stays put. */
  note?: string;
}

/** Differences below this (points) are rounding, not a move. */
const EPSILON = 0.01;

const boxOf = (f: { page: number; position: { x: number; y: number }; size: { width: number; height: number } }): Box => ({
  page: f.page,
  x: f.position.x,
  y: f.position.y,
  width: f.size.width,
  height: f.size.height,
});

const same = (a: number, b: number) => Math.abs(a - b) < EPSILON;

/** The box brought onto the new pages (last page if its page is gone, inside the page's edges), and why. */
function fit(box: Box, pages: readonly TemplatePage[]): { box: Box; note?: string } {
  const notes: string[] = [];
  let page = box.page;
  if (page > pages.length) {
    notes.push(`page ${page} is not in the new PDF (${pages.length} page${pages.length === 1 ? '' : 's'}): put on page ${pages.length}`);
    page = pages.length;
  }
  const { width: pw, height: ph } = pages[page - 1];
  const width = Math.min(box.width, pw);
  const height = Math.min(box.height, ph);
  const x = Math.min(Math.max(0, box.x), pw - width);
  const y = Math.min(Math.max(0, box.y), ph - height);
  if (!notes.length && (!same(x, box.x) || !same(y, box.y) || !same(width, box.width) || !same(height, box.height)))
    notes.push(`ran past the edge of page ${page} (${pw} × ${ph} pt): moved inside it`);
  return { box: { page, x, y, width, height }, note: notes[0] };
}

function formKey(name: string, widget: number | undefined): string {
  return `${name}\u0000${widget ?? 0}`;
}

export function matchFields(
  fields: readonly MatchableField[],
  pages: readonly TemplatePage[],
  widgets: readonly FormWidget[],
): FieldMatch[] {
  if (pages.length === 0) throw new Error('a base PDF has at least one page');
  const byName = new Map<string, FormWidget>();
  for (const w of widgets) {
    const name = w.advanced?.acroFormName;
    if (name !== undefined && !byName.has(formKey(name, w.advanced?.acroFormWidget)))
      byName.set(formKey(name, w.advanced?.acroFormWidget), w);
  }
  return fields.map((f): FieldMatch => {
    const from = boxOf(f);
    const base = { fieldId: f.fieldId, name: f.name, bindingKey: f.bindingKey, from };
    const formName = f.advanced?.acroFormName;
    const widget = formName === undefined ? undefined : byName.get(formKey(formName, f.advanced?.acroFormWidget));
    if (widget) {
      const { box: to } = fit(boxOf(widget), pages);
      const status: MatchStatus =
        to.page !== from.page
          ? 'moved_page'
          : [to.x - from.x, to.y - from.y, to.width - from.width, to.height - from.height].some((d) => !same(d, 0))
            ? 'moved'
            : 'kept';
      const note =
        status === 'moved_page' ? `its form field “${formName}” is on page ${to.page} of the new PDF (was page ${from.page})` : undefined;
      return { ...base, matchedBy: 'form_field', status, to, ...(note ? { note } : {}) };
    }
    const { box: to, note } = fit(from, pages);
    return { ...base, matchedBy: 'position', status: note ? 'outside' : 'kept', to, ...(note ? { note } : {}) };
  });
}
