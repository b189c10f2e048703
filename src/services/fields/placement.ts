import { ValidationError, type FieldIssue } from '@/shared/errors.js';
import type { Template } from '@/shared/domain/template.js';
import { templateMetadata } from '@/services/templates/metadata.js';

/** Rounding slack (points) so a field dragged exactly to the edge is not refused for 1e-9. */
const EPSILON = 0.01;

export interface Placement {
  page: number;
  position: { x: number; y: number };
  size: { width: number; height: number };
}

/**
 * The page must exist and the field's box must lie within it (points, origin top-left of the
 * unrotated page, as the studio shows it). Returns issues under `prefix` (e.g. "body.fields.3").
 */
export function placementIssues(template: Template, p: Placement, prefix: string): FieldIssue[] {
  const at = (s: string) => (prefix ? `${prefix}.${s}` : s);
  if (p.page > template.pageCount) {
    return [
      {
        path: at('page'),
        code: 'page_out_of_range',
        message: `page ${p.page} does not exist; the template has ${template.pageCount} page(s)`,
      },
    ];
  }
  const size = templateMetadata(template).pages?.[p.page - 1] ?? template.dimensions;
  const issues: FieldIssue[] = [];
  if (p.position.x < -EPSILON) issues.push({ path: at('position.x'), code: 'out_of_page', message: 'x must be ≥ 0' });
  if (p.position.y < -EPSILON) issues.push({ path: at('position.y'), code: 'out_of_page', message: 'y must be ≥ 0' });
  if (p.position.x + p.size.width > size.width + EPSILON) {
    issues.push({
      path: at('size.width'),
      code: 'out_of_page',
      message: `x + width = ${p.position.x + p.size.width} exceeds the page width ${size.width}`,
    });
  }
  if (p.position.y + p.size.height > size.height + EPSILON) {
    issues.push({
      path: at('size.height'),
      code: 'out_of_page',
      message: `y + height = ${p.position.y + p.size.height} exceeds the page height ${size.height}`,
    });
  }
  return issues;
}

export function assertPlacements(template: Template, items: { placement: Placement; prefix: string }[]): void {
  const issues = items.flatMap((i) => placementIssues(template, i.placement, i.prefix));
  if (issues.length) throw new ValidationError('Fields must lie within an existing page', issues, 'field_out_of_page');
}
