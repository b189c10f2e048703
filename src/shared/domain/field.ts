import { z } from 'zod';
import { colorSchema, dateFormatSchema, numberFormatSchema } from './formats.js';
import { groupSchema } from './group.js';
import { styleRulesSchema } from './style-rules.js';
import { continuationSchema, tableSchema } from './table.js';
import { validationSchema } from './validation.js';

export { validationSchema };

/**
 * The template field (position, size, bindingKey, style, layout,
 * advanced, validation), as one zod schema from which the TypeScript types, the DynamoDB entity,
 * the API's request bodies and OpenAPI are all derived.
 *
 * Coordinates: PDF points, origin at the top-left corner of the unrotated page (as the studio
 * shows it). `page` is 1-based. Conversion to PDF user space happens in one place in src/pdf/.
 */

export const FIELD_TYPES = ['text', 'number', 'date', 'checkbox', 'radio', 'dropdown', 'image', 'signature', 'barcode', 'table'] as const;
export const fieldTypeSchema = z.enum(FIELD_TYPES);
export type FieldType = z.infer<typeof fieldTypeSchema>;

export const BARCODE_FORMATS = ['qrcode', 'code128', 'ean13', 'datamatrix', 'pdf417'] as const;

/** Largest page we accept (PDF's own UserUnit-free limit is 14,400 pt = 200 in). */
export const MAX_PAGE_POINTS = 14_400;
const coord = z.number().finite().min(-MAX_PAGE_POINTS).max(MAX_PAGE_POINTS);
const extent = z.number().finite().positive().max(MAX_PAGE_POINTS);

export const positionSchema = z
  .object({ x: coord, y: coord })
  .describe("The box's top-left corner, in PDF points from the page's top-left (unrotated page)");
export const sizeSchema = z.object({ width: extent, height: extent }).describe('Width and height in PDF points');

export const styleSchema = z
  .object({
    fontFamily: z.string().min(1).max(64).default('Arial'),
    fontSize: z.number().positive().max(500).default(12),
    textColor: colorSchema.default('#000000'),
    backgroundColor: colorSchema.default('transparent'),
    textAlign: z.enum(['left', 'center', 'right', 'justify']).default('left'),
    /** base direction of the text: 'auto' takes each paragraph's first strong character (a left-aligned RTL paragraph is drawn from the right edge) */
    direction: z.enum(['auto', 'ltr', 'rtl']).default('auto'),
    verticalAlign: z.enum(['top', 'middle', 'bottom']).default('middle'),
    bold: z.boolean().default(false),
    italic: z.boolean().default(false),
    underline: z.boolean().default(false),
    lineHeight: z.number().min(0.5).max(5).default(1.2),
    borderColor: colorSchema.default('transparent'),
    borderWidth: z.number().min(0).max(50).default(0),
  })
  .describe('How the value is drawn: font (a family or alias of GET /api/fonts), size in points, colours, alignment');

export const layoutSchema = z
  .object({
    rotation: z.number().finite().min(-360).max(360).default(0),
    lockProportions: z.boolean().default(false),
    layerOrder: z.number().int().min(0).max(10_000).default(0),
    snapToGrid: z.boolean().default(true),
  })
  .describe("Rotation in degrees, and the studio's layer and grid settings");

export const advancedSchema = z.object({
  placeholder: z.string().max(500).optional(),
  required: z.boolean().default(false),
  multiLine: z.boolean().default(false),
  maxLength: z.number().int().positive().max(100_000).optional(),
  /** always: printed whenever the field exists; whenPresent: only if the bound value is present; hidden: never. */
  visibility: z.enum(['always', 'whenPresent', 'hidden']).default('always'),
  /**
   * What to do with text that does not fit: shrink to minFontSize, then clip with an ellipsis.
   * 'continue' (text fields): wrap, and the lines that do not fit go on continuation pages (advanced.continuation).
   */
  overflow: z.enum(['shrink', 'wrap', 'ellipsis', 'clip', 'continue']).default('shrink'),
  minFontSize: z.number().positive().max(500).default(6),
  defaultValue: z.unknown().optional(),
  /** Options of radio and dropdown fields. */
  options: z.array(z.string().max(500)).max(1000).optional(),
  /** number */
  number: numberFormatSchema.optional(),
  /** date: pattern in Unicode tokens (yyyy, MM, dd, HH, mm, ss, MMM, MMMM, EEE), timezone an IANA zone. */
  date: dateFormatSchema.optional(),
  checkStyle: z.enum(['check', 'cross']).default('check'),
  imageFit: z.enum(['contain', 'cover', 'stretch']).default('contain'),
  barcode: z.object({ format: z.enum(BARCODE_FORMATS).default('qrcode'), includeText: z.boolean().default(false) }).optional(),
  /**
   * A JSONata expression over the whole payload whose result is the field's value (instead of the
   * value at bindingKey), e.g. `$sum(items.(qty * price))`; see src/pdf/expressions.
   */
  expression: z
    .string()
    .min(1)
    .max(2000)
    .optional()
    .describe('JSONata expression computing the value from the data, e.g. $sum(items.(qty * price))'),
  /** A JSONata expression: the field is drawn (and validated) only when it is truthy. */
  condition: z
    .string()
    .min(1)
    .max(2000)
    .optional()
    .describe('JSONata expression; the field is drawn only when it is truthy, e.g. customer.country = "DE"'),
  /** Conditional styles (e.g. red text when balance < 0); see style-rules.ts. */
  styleRules: styleRulesSchema.optional(),
  /** The name of an AcroForm field of the base PDF this field fills (imported fields). */
  acroFormName: z.string().max(500).optional(),
  /**
   * Which widget of that form field this box is (imported fields; index in the field's /Kids order).
   * With it, moving or resizing the box moves or resizes that widget in the output; without it
   * (fields linked before this existed) the widget stays where the PDF has it.
   */
  acroFormWidget: z.number().int().min(0).max(10_000).optional(),
  /** table fields: columns, style and continuation; rows come from the array at bindingKey. */
  table: tableSchema.optional(),
  /** table fields: a grid of cells drawn by the fields bound to '<bindingKey>.…' instead of columns (a repeating group). */
  group: groupSchema.optional(),
  /** Text fields with overflow 'continue': what the continuation pages are and where the text goes on them. */
  continuation: continuationSchema.optional(),
  /** Drawn again on the continuation pages a table adds when they copy this field's page ('same'). */
  repeatOnContinuation: z.boolean().default(false),
  /**
   * Text fields: print this instead of a bound value, with {page} and {pages} replaced by the page's
   * number and the document's page count (continuation pages counted), e.g. "Page {page} of {pages}".
   */
  pageNumber: z.string().min(1).max(200).optional(),
});

/** What a client sends to create a field (ids and timestamps are the repository's). */
export const fieldInputSchema = z.object({
  name: z.string().min(1).max(200),
  type: fieldTypeSchema,
  page: z.number().int().min(1).max(10_000).describe('1-based page of the base PDF'),
  position: positionSchema,
  size: sizeSchema,
  bindingKey: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z_$][\w$-]*(\.[A-Za-z_$0-9][\w$-]*)*$/, 'dot-separated identifiers such as customer.name')
    .describe('Where the value comes from in the data, e.g. customer.name'),
  style: styleSchema.default(styleSchema.parse({})),
  layout: layoutSchema.default(layoutSchema.parse({})),
  advanced: advancedSchema.default(advancedSchema.parse({})),
  validation: validationSchema.default(validationSchema.parse({})),
});

export type FieldInput = z.input<typeof fieldInputSchema>;
export type FieldSpec = z.output<typeof fieldInputSchema>;
export type FieldStyle = z.output<typeof styleSchema>;
export type FieldLayout = z.output<typeof layoutSchema>;
export type FieldAdvanced = z.output<typeof advancedSchema>;
export type FieldValidation = z.output<typeof validationSchema>;

/** A stored field. */
export const fieldSchema = fieldInputSchema.extend({
  fieldId: z.string(),
  templateId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Field = z.output<typeof fieldSchema>;
