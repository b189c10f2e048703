import { z } from 'zod';
import { continuationSchema } from './table.js';

/**
 * Repeating groups: a table field laid out as a grid of cells instead of columns (labels on a label
 * sheet, certificates several to a page). The field's box is one cell, the first item's; the
 * template's fields whose bindingKey starts with the table's key and a dot (`labels.name`) are the
 * cell's members, drawn once per item with the item's values. Items beyond one page's grid continue
 * on continuation pages, as a table's rows do.
 */
export const groupSchema = z
  .object({
    across: z.number().int().min(1).max(100).default(1).describe('Cells side by side on a page'),
    down: z.number().int().min(1).max(100).default(1).describe('Cells one below the other on a page'),
    gapX: z.number().finite().min(0).max(14_400).default(0).describe('Points between two cells side by side'),
    gapY: z.number().finite().min(0).max(14_400).default(0).describe('Points between two cells one below the other'),
    order: z
      .enum(['across', 'down'])
      .default('across')
      .describe('across: fill each row of cells left to right, then the next row; down: each column top to bottom'),
    maxItems: z.number().int().positive().max(100_000).optional().describe('Most items one document may have (default: the service bound)'),
    /**
     * Where the items that do not fit continue. The box, when given, is the area the grid fills on
     * continuation pages: the first cell at its top-left corner, as many cells across and down as fit.
     */
    continuation: continuationSchema.default({ page: 'same' }),
  })
  .describe("A table drawn as a grid of cells, one per item of the array at the bindingKey, by the fields bound to '<bindingKey>.…'");

export type GroupSpec = z.output<typeof groupSchema>;
/** Where a table, a group or a continuing text goes on continuation pages. */
export type ContinuationSpec = z.output<typeof continuationSchema>;
