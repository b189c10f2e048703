import { z } from 'zod';
import { fieldInputSchema } from '@/shared/domain/field.js';

/**
 * What `inspect(bytes)` returns, as zod schemas (the single source of the types; the API reuses
 * them for its response and OpenAPI). Rectangles are in the product's one coordinate convention:
 * points, origin top-left of the page's visible box (CropBox) on the *unrotated* page (coordinates.ts).
 */

export const rectSchema = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });

export const inspectedPageSchema = z.object({
  /** 1-based. */
  page: z.number().int().positive(),
  /** Size of the visible box (CropBox, else MediaBox), unrotated, in points (user-space units × userUnit). */
  width: z.number(),
  height: z.number(),
  /** /UserUnit: points per user-space unit (1 unless the page sets it; PDF 1.6 allows large pages this way). */
  userUnit: z.number().positive(),
  /** /Rotate normalised to 0, 90, 180 or 270 (clockwise, as viewers show it). */
  rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
  /** The visible box and the media box in PDF user-space units (for debugging odd files). */
  cropBox: rectSchema,
  mediaBox: rectSchema,
});

export const ACROFORM_FIELD_TYPES = ['text', 'checkbox', 'radio', 'dropdown', 'listbox', 'button', 'signature', 'unknown'] as const;

export const widgetSchema = z.object({
  /** 1-based page the widget is on; null when it is on no page (then it cannot be shown or filled visibly). */
  page: z.number().int().positive().nullable(),
  rect: rectSchema,
  /** Checkbox and radio widgets: the value the widget stands for when on (its option). */
  onValue: z.string().optional(),
});

export const inspectedFieldSchema = z.object({
  /** Fully qualified name (parent names joined with dots), as `getField(name)` in pdf-lib expects it. */
  name: z.string(),
  type: z.enum(ACROFORM_FIELD_TYPES),
  /** Page and rectangle of the first widget that is on a page (null/undefined when none is). */
  page: z.number().int().positive().nullable(),
  rect: rectSchema.nullable(),
  widgets: z.array(widgetSchema),
  /** Choice options (dropdown, list box) or the on-values of radio widgets. */
  options: z.array(z.string()).optional(),
  /** Current value: text, selected option(s), checked state, or null when empty. */
  value: z.union([z.string(), z.array(z.string()), z.boolean(), z.null()]),
  maxLength: z.number().int().optional(),
  readOnly: z.boolean(),
  required: z.boolean(),
  multiline: z.boolean().optional(),
  comb: z.boolean().optional(),
  password: z.boolean().optional(),
  multiSelect: z.boolean().optional(),
  editable: z.boolean().optional(),
  /** Font size from the default appearance (/DA), when it names one (0 = auto-size is left out). */
  fontSize: z.number().positive().optional(),
  /** Quadding /Q: text alignment of the field. */
  textAlign: z.enum(['left', 'center', 'right']).optional(),
});

export const skippedSchema = z.object({ name: z.string(), reason: z.string() });

export const inspectResultSchema = z.object({
  /** The %PDF-x.y of the header. */
  pdfVersion: z.string().optional(),
  pageCount: z.number().int().positive(),
  pages: z.array(inspectedPageSchema),
  metadata: z.object({
    title: z.string().optional(),
    author: z.string().optional(),
    subject: z.string().optional(),
    keywords: z.string().optional(),
    creator: z.string().optional(),
    producer: z.string().optional(),
    /** ISO 8601. */
    creationDate: z.string().optional(),
    modificationDate: z.string().optional(),
  }),
  /** The input was encrypted with an owner password only (decrypted to inspect; needs-a-password files throw). */
  encrypted: z.boolean(),
  encryption: z
    .object({ version: z.number(), revision: z.number(), permissions: z.number(), attachmentsOnly: z.boolean().optional() })
    .optional(),
  /** The document carries an XFA form (Adobe LiveCycle). */
  xfa: z.boolean(),
  /** XFA without AcroForm fields: nothing to import; the form only exists as XFA. */
  xfaOnly: z.boolean(),
  fields: z.array(inspectedFieldSchema),
  /** The AcroForm fields as template fields to import (one per widget; see suggest.ts). */
  suggestedFields: z.array(fieldInputSchema),
  /** Fields or widgets not turned into suggestions, and why. */
  skipped: z.array(skippedSchema),
  /** More fields than the inspection limit: the lists above are cut. */
  truncated: z.boolean(),
  /** Human-readable remarks (XFA, limits, encryption, odd structures). */
  notes: z.array(z.string()),
});

export type InspectRect = z.infer<typeof rectSchema>;
export type InspectedPage = z.infer<typeof inspectedPageSchema>;
export type InspectedWidget = z.infer<typeof widgetSchema>;
export type InspectedField = z.infer<typeof inspectedFieldSchema>;
export type AcroFormFieldType = (typeof ACROFORM_FIELD_TYPES)[number];
export type InspectResult = z.infer<typeof inspectResultSchema>;
