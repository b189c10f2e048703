import { z } from 'zod';

/** Rules a value must meet: a field's bound value, or each cell of a table column. */
export const validationSchema = z
  .object({
    type: z.enum(['none', 'email', 'pattern', 'number', 'date', 'option']).default('none'),
    required: z.boolean().default(false),
    pattern: z.string().max(1000).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().positive().optional(),
    minDate: z.string().optional(),
    maxDate: z.string().optional(),
    message: z.string().max(500).optional(),
  })
  .describe('Rules the bound value must meet before a document is generated');
