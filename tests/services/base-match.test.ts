import { describe, expect, it } from 'vitest';
import { matchFields, type MatchableField } from '@/services/templates/base-match.js';

const A4 = { width: 595, height: 842 };
const field = (over: Partial<MatchableField> & { fieldId: string }): MatchableField => ({
  name: over.fieldId,
  bindingKey: over.fieldId,
  page: 1,
  position: { x: 50, y: 50 },
  size: { width: 100, height: 20 },
  ...over,
});
const widget = (name: string, page: number, x: number, y: number, index?: number) => ({
  page,
  position: { x, y },
  size: { width: 100, height: 20 },
  advanced: { acroFormName: name, ...(index === undefined ? {} : { acroFormWidget: index }) },
});

describe('matching fields to a new base PDF', () => {
  it('follows each widget of a form field by name and widget index; the rest stay where they were', () => {
    const fields = [
      field({ fieldId: 'a0', advanced: { acroFormName: 'sign', acroFormWidget: 0 } }),
      field({ fieldId: 'a1', page: 2, advanced: { acroFormName: 'sign', acroFormWidget: 1 } }),
      field({ fieldId: 'gone', advanced: { acroFormName: 'removed' }, position: { x: 10, y: 10 } }),
      field({ fieldId: 'hand', position: { x: 200, y: 300 } }),
    ];
    const widgets = [widget('sign', 1, 60, 700, 0), widget('sign', 2, 70, 710, 1)];
    const m = Object.fromEntries(matchFields(fields, [A4, A4], widgets).map((x) => [x.fieldId, x]));
    expect(m.a0).toMatchObject({ matchedBy: 'form_field', status: 'moved', to: { page: 1, x: 60, y: 700 } });
    expect(m.a1).toMatchObject({ matchedBy: 'form_field', status: 'moved', to: { page: 2, x: 70, y: 710 } });
    // Its form field is not in the new PDF: kept in place, by position.
    expect(m.gone).toMatchObject({ matchedBy: 'position', status: 'kept', to: { page: 1, x: 10, y: 10 } });
    expect(m.hand).toMatchObject({ matchedBy: 'position', status: 'kept', to: { page: 1, x: 200, y: 300 } });
    expect(m.hand.note).toBeUndefined();
  });

  it('brings a box bigger than the new page inside it, and a field of a missing page onto the last page', () => {
    const small = { width: 300, height: 200 };
    const fields = [
      field({ fieldId: 'wide', size: { width: 400, height: 20 } }),
      field({ fieldId: 'low', position: { x: 10, y: 190 } }),
      field({ fieldId: 'p3', page: 3, position: { x: 250, y: 10 } }),
    ];
    const m = Object.fromEntries(matchFields(fields, [small, small], []).map((x) => [x.fieldId, x]));
    expect(m.wide).toMatchObject({ status: 'outside', to: { page: 1, x: 0, y: 50, width: 300, height: 20 } });
    expect(m.low).toMatchObject({ status: 'outside', to: { page: 1, x: 10, y: 180 } });
    expect(m.low.note).toBe('ran past the edge of page 1 (300 × 200 pt): moved inside it');
    expect(m.p3).toMatchObject({ status: 'outside', to: { page: 2, x: 200, y: 10 } });
    expect(m.p3.note).toBe('page 3 is not in the new PDF (2 pages): put on page 2');
  });

  it('reports a form field that stayed put as kept, and one on another page as moved_page', () => {
    const fields = [
      field({ fieldId: 'same', advanced: { acroFormName: 'x' } }),
      field({ fieldId: 'other', advanced: { acroFormName: 'y' } }),
    ];
    const m = matchFields(fields, [A4, A4], [widget('x', 1, 50, 50), widget('y', 2, 50, 50)]);
    expect(m.map((x) => [x.fieldId, x.status])).toEqual([
      ['same', 'kept'],
      ['other', 'moved_page'],
    ]);
    expect(m[1].note).toBe('its form field “y” is on page 2 of the new PDF (was page 1)');
  });
});
