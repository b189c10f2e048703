import { PdfError } from './errors.js';
import { compileFieldExpressions, describeProblem } from './expressions/compile.js';
import { evaluateExpressions, type ComputedValues, type ExpressionFailure } from './expressions/evaluate.js';
import { defaultFontRegistry, type FontRegistry } from './fonts/registry.js';
import { TEXT_LIKE, fieldText, fieldValue } from './render/draw.js';
import { paginateTable, prepareTable, tableBoxes } from './render/table-layout.js';
import { layoutField } from './render/text.js';
import type { EngineField, GenerationWarningCode } from './types.js';
import { validate, type ValidationIssue } from './validate/index.js';
import { unknownDataKeys } from './validate/unknown-keys.js';

/**
 * What generation would complain about, without writing a PDF: validation errors, characters no
 * configured font has (all of them, not just the first), and text that will not fit.
 */

export interface PreflightOptions {
  fonts?: FontRegistry;
  /** Longest text value of any field (see validate); a longer one is reported, never laid out. */
  maxValueLength?: number;
  /** Rows of one table (see validate). */
  maxTableRows?: number;
  /** Data keys no field is bound to make the result not ok (generation's strict mode). */
  strict?: boolean;
  /** The data's evaluated expressions (see preflightDocument, which evaluates them). */
  computed?: ComputedValues;
  /** Expressions that failed to compile or evaluate: reported as renderErrors (expression_failed). */
  expressionFailures?: ExpressionFailure[];
}

export interface PreflightResult {
  ok: boolean;
  errors: ValidationIssue[];
  missingGlyphs: { fieldId: string; name: string; bindingKey: string; char: string; codePoint: string }[];
  overflows: { fieldId: string; name: string; bindingKey: string; code: GenerationWarningCode; message: string; fontSize?: number }[];
  /**
   * Text in a script whose optional font package this installation lacks (installed with
   * --omit=optional): the field, the script, and the npm package that adds its font. A warning: the
   * text may still render with a fallback design (DejaVu's Arabic), or be a missing glyph above.
   */
  fontWarnings: {
    fieldId: string;
    name: string;
    bindingKey: string;
    code: 'script_font_missing';
    script: string;
    family: string;
    package: string;
    message: string;
  }[];
  /** Values that cannot be rendered at all (not a number, option not allowed, unknown font, …). */
  renderErrors: { fieldId: string; name: string; bindingKey: string; code: string; message: string }[];
  /** Keys of the data no field is bound to (a misspelt key prints a blank field), as dot paths. */
  unknownKeys: string[];
  /** Each table with rows: how many rows it has, how many go to continuation pages, and how many pages it adds. */
  tables: { fieldId: string; name: string; bindingKey: string; rows: number; continuationRows: number; continuationPages: number }[];
}

/** Where a table's rows go: its box, then continuation pages (laid out as generation will). */
function tablePages(
  field: EngineField,
  payload: Record<string, unknown>,
  fonts: FontRegistry,
  result: PreflightResult,
  computed: PreflightOptions['computed'],
): void {
  const spec = field.advanced.table;
  const { value, show } = fieldValue(field, payload, computed);
  if (!spec || !show || !Array.isArray(value)) return;
  const { box, nextBox } = tableBoxes(field, spec);
  const segments = paginateTable(prepareTable(field, spec, fonts), value, box, nextBox);
  result.tables.push({
    fieldId: field.fieldId,
    name: field.name,
    bindingKey: field.bindingKey,
    rows: value.length,
    continuationRows: value.length - segments[0].rows.length,
    continuationPages: segments.length - 1,
  });
}

export function preflight(fields: EngineField[], payload: Record<string, unknown>, opts: PreflightOptions = {}): PreflightResult {
  const fonts = opts.fonts ?? defaultFontRegistry();
  const result: PreflightResult = {
    ok: true,
    errors: validate(fields, payload, { maxValueLength: opts.maxValueLength, maxTableRows: opts.maxTableRows, computed: opts.computed }),
    missingGlyphs: [],
    fontWarnings: [],
    overflows: [],
    renderErrors: (opts.expressionFailures ?? []).map((f) => ({
      fieldId: f.fieldId ?? '',
      name: f.name,
      bindingKey: f.bindingKey,
      code: 'expression_failed',
      message: `"${f.name}" (${f.bindingKey}): its ${f.property} failed: ${describeProblem(f)}`,
    })),
    unknownKeys: unknownDataKeys(fields, payload),
    tables: [],
  };
  for (const field of fields) {
    const id = { fieldId: field.fieldId, name: field.name, bindingKey: field.bindingKey };
    try {
      if (field.type === 'table') {
        if (!result.errors.some((v) => v.fieldId === field.fieldId)) tablePages(field, payload, fonts, result, opts.computed);
        continue;
      }
      if (!TEXT_LIKE.has(field.type)) continue;
      if (result.errors.some((v) => v.code === 'value_too_long' && v.bindingKey === field.bindingKey)) continue;
      const { value, show } = fieldValue(field, payload, opts.computed);
      if (!show || value === undefined || value === null || value === '') continue;
      const chain = fonts.chain(field.style.fontFamily, field.style.bold, field.style.italic);
      const { text, truncated } = fieldText(field, value);
      if (truncated)
        result.overflows.push({
          ...id,
          code: 'truncated_max_length',
          message: `Value cut to maxLength ${field.advanced.maxLength} characters`,
        });
      for (const m of fonts.missingPackages()) {
        const needs = [...text].some((ch) => m.chars.test(ch) && (!m.onlyWhenUndrawn || !chain.pick(ch.codePointAt(0)!)));
        if (!needs) continue;
        result.fontWarnings.push({
          ...id,
          code: 'script_font_missing',
          script: m.script,
          family: m.family,
          package: m.pkg,
          message: `"${field.name}" has ${m.script} text, and ${m.family} is not installed: add it with npm install ${m.pkg}`,
        });
      }
      const missing = new Set<number>();
      for (const ch of text) {
        const cp = ch.codePointAt(0)!;
        if (!/[\r\n\t]/.test(ch) && !chain.pick(cp)) missing.add(cp);
      }
      for (const cp of missing) {
        result.missingGlyphs.push({
          ...id,
          char: String.fromCodePoint(cp),
          codePoint: `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`,
        });
      }
      if (missing.size > 0) continue;
      const lay = layoutField(field, chain, text, field.size.width, field.size.height);
      for (const w of lay.warnings) result.overflows.push({ ...id, code: w.code, message: w.message, fontSize: lay.fontSize });
    } catch (e) {
      if (!(e instanceof PdfError)) throw e;
      // A value validation already rejected (e.g. an option not in the list) fails to render for
      // the same reason: report it once, as the validation error.
      if (result.errors.some((v) => v.fieldId === field.fieldId)) continue;
      result.renderErrors.push({ ...id, code: e.code, message: e.message });
    }
  }
  result.ok =
    result.errors.length === 0 &&
    result.missingGlyphs.length === 0 &&
    result.renderErrors.length === 0 &&
    !(opts.strict && result.unknownKeys.length > 0);
  return result;
}

/**
 * preflight() with the template's expressions evaluated on the data first (every failure
 * reported, not only the first), so calculated values are checked as generation would draw them.
 */
export async function preflightDocument(
  fields: EngineField[],
  payload: Record<string, unknown>,
  opts: Omit<PreflightOptions, 'computed' | 'expressionFailures'> = {},
): Promise<PreflightResult> {
  const program = compileFieldExpressions(fields);
  if (!program) return preflight(fields, payload, opts);
  const { computed, failures } = await evaluateExpressions(program, payload, 'collect');
  return preflight(fields, payload, { ...opts, computed, expressionFailures: failures });
}
