import { z } from 'zod';
import { colorSchema, dateFormatSchema, numberFormatSchema } from './formats.js';
import { rowStyleRuleSchema } from './style-rules.js';
import { validationSchema } from './validation.js';

/**
 * The `table` field type: rows from an array in the payload, one column per key inside the row,
 * drawn in the field's box and continued on continuation pages when the rows do not fit. Part of
 * the field schema (advanced.table), so OpenAPI, the studio's types and versions carry it.
 */

/** Keys inside a row, nested or flat as binding keys elsewhere (`qty`, `product.name`). */
const rowKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z_$][\w$-]*(\.[A-Za-z_$0-9][\w$-]*)*$/, 'dot-separated identifiers such as product.name');

export const tableColumnSchema = z
  .object({
    header: z.string().max(200).default(''),
    key: rowKeySchema.describe("Where the cell's value is in each row, e.g. qty or product.name"),
    width: z.number().positive().max(10_000).default(1).describe("Relative width: the columns share the table's width by these weights"),
    align: z.enum(['left', 'center', 'right']).default('left'),
    format: z.enum(['text', 'number', 'date']).default('text'),
    number: numberFormatSchema.optional(),
    date: dateFormatSchema.optional(),
    required: z.boolean().default(false).describe('Every row must have a value in this column'),
    validation: validationSchema
      .omit({ required: true })
      .optional()
      .describe(
        'Rules every cell of the column must meet (type, min/max, length, pattern, email); errors name the cell, e.g. items[3].qty',
      ),
    sum: z.boolean().default(false).describe('Sum this column in the subtotal, carry-forward and total rows (number columns)'),
    condition: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe('JSONata condition over the data; the column is drawn only when it holds (the other columns share its width)'),
  })
  .describe('One column of a table field');

/** Where a table continues when its rows do not fit in its box. */
export const continuationSchema = z
  .object({
    /**
     * 'same': a copy of the table's own page, with only the fields marked repeatOnContinuation;
     * 'blank': an empty page of the same size; a number: a copy of that page of the uploaded PDF.
     */
    page: z.union([z.enum(['same', 'blank']), z.number().int().min(1).max(10_000)]).default('same'),
    /** The table's box on continuation pages (top-left corner and size, in points); default: its box on the first page. */
    box: z
      .object({
        x: z.number().finite().min(0).max(14_400),
        y: z.number().finite().min(0).max(14_400),
        width: z.number().finite().positive().max(14_400),
        height: z.number().finite().positive().max(14_400),
      })
      .optional(),
  })
  .describe('What a continuation page is and where the table sits on it');

const totalLine = (label: string) => z.object({ label: z.string().max(200).default(label) });

/**
 * Lines with the sums of the columns marked `sum`, its label in the first column that is not
 * summed: a subtotal of each page's rows at the bottom of every page, a carried-forward running
 * total at the bottom of each page that continues (and brought forward at the top of the next),
 * and a total after the last row.
 */
export const totalsSchema = z
  .object({
    subtotal: totalLine('Subtotal').optional().describe("A line at the bottom of each page with the sums of that page's rows"),
    carryForward: z
      .object({
        label: z.string().max(200).default('Carried forward'),
        broughtForwardLabel: z.string().max(200).default('Brought forward'),
      })
      .optional()
      .describe('The running sums at the bottom of each page that continues, and again at the top of the next'),
    total: totalLine('Total').optional().describe('A line after the last row with the sums of all rows'),
    bold: z.boolean().default(true),
    textColor: colorSchema.default('#000000'),
    backgroundColor: colorSchema.default('transparent'),
  })
  .describe('Subtotal, carry-forward and grand-total lines (sums of the columns marked sum)');

export const tableSchema = z
  .object({
    columns: z.array(tableColumnSchema).min(1).max(50),
    header: z
      .object({
        show: z.boolean().default(true),
        repeat: z.boolean().default(true).describe('Repeat the header row at the top of every continuation page'),
        bold: z.boolean().default(true),
        textColor: colorSchema.default('#000000'),
        backgroundColor: colorSchema.default('#e5e7eb'),
      })
      .default({ show: true, repeat: true, bold: true, textColor: '#000000', backgroundColor: '#e5e7eb' }),
    cellPadding: z.number().min(0).max(50).default(2),
    /** Cell text wraps onto more lines and the row grows (true), or shrinks to fit one line (false). */
    wrap: z.boolean().default(true),
    minRowHeight: z.number().min(0).max(1000).default(0),
    maxRowHeight: z.number().positive().max(14_400).optional(),
    borderColor: colorSchema.default('#000000'),
    borderWidth: z.number().min(0).max(10).default(0.5),
    stripeColor: colorSchema.default('transparent').describe('Background of every second row'),
    maxRows: z.number().int().positive().max(100_000).optional().describe('Most rows one document may have (default: the service bound)'),
    continuation: continuationSchema.default({ page: 'same' }),
    totals: totalsSchema.optional(),
    rowStyles: z.array(rowStyleRuleSchema).max(20).optional().describe('Conditional styles of rows or cells, applied in order'),
  })
  .describe('Columns, style and continuation of a table field; rows come from an array at the bindingKey');

/** Rows one table may have unless the service or the table says fewer. */
export const DEFAULT_MAX_TABLE_ROWS = 10_000;

export type TableSpec = z.output<typeof tableSchema>;
export type TableColumn = z.output<typeof tableColumnSchema>;
export type TableTotals = z.output<typeof totalsSchema>;
