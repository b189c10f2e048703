import { z } from 'zod';
import { colorSchema } from './formats.js';

/**
 * Conditional style: a JSONata condition and the style it applies when the condition is truthy
 * ("red text when balance < 0"). Rules apply in order, a later matching rule overriding an
 * earlier one property by property, as CSS does.
 */

const whenSchema = z.string().min(1).max(2000);

const styleChange = {
  textColor: colorSchema.optional(),
  backgroundColor: colorSchema.optional(),
  bold: z.boolean().optional(),
};

export const styleRuleSchema = z
  .object({
    when: whenSchema.describe('JSONata condition over the data, e.g. balance < 0'),
    ...styleChange,
  })
  .describe("A style applied when its condition holds for the document's data");

export const styleRulesSchema = z.array(styleRuleSchema).max(20);

/** A table row's style rule: its condition reads the row (the whole payload as $root). */
export const rowStyleRuleSchema = z
  .object({
    when: whenSchema.describe('JSONata condition over one row (the whole data is $root), e.g. qty * price > 1000'),
    column: z.string().min(1).max(200).optional().describe("Only this column's cells (by its key); all cells of the row when absent"),
    ...styleChange,
  })
  .describe('A style applied to the rows (or one column of the rows) its condition holds for');

export type StyleRule = z.output<typeof styleRuleSchema>;
export type RowStyleRule = z.output<typeof rowStyleRuleSchema>;
/** What a rule may change. */
export type StyleChange = Pick<StyleRule, 'textColor' | 'backgroundColor' | 'bold'>;

/** The style changes of the matching rules, merged in order (later wins). */
export function mergeStyleChanges(rules: readonly StyleChange[], matched: readonly number[]): StyleChange {
  const out: StyleChange = {};
  for (const i of matched) {
    const r = rules[i];
    if (!r) continue;
    if (r.textColor !== undefined) out.textColor = r.textColor;
    if (r.backgroundColor !== undefined) out.backgroundColor = r.backgroundColor;
    if (r.bold !== undefined) out.bold = r.bold;
  }
  return out;
}
