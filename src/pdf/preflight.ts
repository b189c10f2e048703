import { PdfError } from './errors.js';
import { compileFieldExpressions, describeProblem, fieldKey } from './expressions/compile.js';
import { evaluateExpressions, tableDocumentFor, type ComputedValues, type ExpressionFailure } from './expressions/evaluate.js';
import { defaultFontRegistry, type FontRegistry } from './fonts/registry.js';
import { TEXT_LIKE, fieldText, fieldValue } from './render/draw.js';
import { groupGeometry, paginateGroup } from './render/group-layout.js';
import { paginateTable, prepareTable, tableBoxes } from './render/table-layout.js';
import { flowBoxes, isContinuing, paginateText } from './render/text-flow.js';
import { layoutField } from './render/text.js';
import { groupOf, isGroup } from './validate/group.js';
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
  /** Pages of one document (see RenderLimits.maxPages): continuation pages past it are a renderError, as generation refuses them. */
  maxPages?: number;
  /** Pages of the template's base PDF (default: the highest page a field is on). */
  basePages?: number;
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
  /** Each repeating group with items: how many items it has, how many go to continuation pages, and how many pages it adds. */
  groups: { fieldId: string; name: string; bindingKey: string; items: number; continuationItems: number; continuationPages: number }[];
  /** Each text with overflow 'continue' that does not fit its box: its lines, how many continue, and how many pages it adds. */
  continuedTexts: {
    fieldId: string;
    name: string;
    bindingKey: string;
    lines: number;
    continuationLines: number;
    continuationPages: number;
  }[];
  /** Pages the generated document will have, continuation pages included (when the base's page count is known). */
  pageCount?: number;
}

type Id = { fieldId: string; name: string; bindingKey: string };

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
  const segments = paginateTable(prepareTable(field, spec, fonts), value, box, nextBox, tableDocumentFor(computed, fieldKey(field)));
  result.tables.push({
    fieldId: field.fieldId,
    name: field.name,
    bindingKey: field.bindingKey,
    rows: value.length,
    continuationRows: value.length - segments[0].rows.length,
    continuationPages: segments.length - 1,
  });
}

/** Where a group's items go: its page's grid, then continuation pages; each item's text-like members checked as fields are. */
function groupPages(
  field: EngineField,
  members: EngineField[],
  payload: Record<string, unknown>,
  fonts: FontRegistry,
  result: PreflightResult,
  computed: PreflightOptions['computed'],
): void {
  const spec = field.advanced.group;
  const { value, show } = fieldValue(field, payload, computed);
  if (!spec || !show || !Array.isArray(value)) return;
  const { onFirst, continuationPages } = paginateGroup(groupGeometry(field, spec), value.length);
  result.groups.push({
    fieldId: field.fieldId,
    name: field.name,
    bindingKey: field.bindingKey,
    items: value.length,
    continuationItems: value.length - onFirst,
    continuationPages,
  });
  const prefix = field.bindingKey.length + 1;
  const inItem = members.filter((m) => TEXT_LIKE.has(m.type)).map((m) => ({ ...m, bindingKey: m.bindingKey.slice(prefix) }));
  value.forEach((item, i) => {
    if (item === null || typeof item !== 'object') return;
    for (const m of inItem) {
      const id = { fieldId: m.fieldId, name: m.name, bindingKey: `${field.bindingKey}[${i}].${m.bindingKey}` };
      if (result.errors.some((v) => v.code === 'value_too_long' && v.bindingKey === id.bindingKey)) continue;
      checkText(m, item as Record<string, unknown>, undefined, id, fonts, result);
    }
  });
}

/** Characters no font has, and text that will not fit (or, with overflow 'continue', the pages it continues on). */
function checkText(
  field: EngineField,
  payload: Record<string, unknown>,
  computed: PreflightOptions['computed'],
  id: Id,
  fonts: FontRegistry,
  result: PreflightResult,
): void {
  const { value, show } = fieldValue(field, payload, computed);
  if (!show || value === undefined || value === null || value === '') return;
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
  if (missing.size > 0) return;
  if (isContinuing(field)) {
    const { box, nextBox } = flowBoxes(field);
    const { layout, chunks } = paginateText(field, chain, text, box, nextBox);
    if (chunks.length > 1) {
      const lines = layout.lines.length;
      result.continuedTexts.push({ ...id, lines, continuationLines: lines - chunks[0].length, continuationPages: chunks.length - 1 });
    }
    return;
  }
  const lay = layoutField(field, chain, text, field.size.width, field.size.height);
  for (const w of lay.warnings) result.overflows.push({ ...id, code: w.code, message: w.message, fontSize: lay.fontSize });
}

/** The field whose continuation pages take the document past its page bound, as generation reports it. */
function pageBound(fields: EngineField[], result: PreflightResult, basePages: number | undefined, maxPages: number): void {
  let pages = basePages ?? Math.max(1, ...fields.map((f) => f.page));
  const adds = new Map<string, number>();
  for (const r of [...result.tables, ...result.groups, ...result.continuedTexts]) adds.set(r.fieldId, r.continuationPages);
  for (const f of fields) {
    const add = adds.get(f.fieldId);
    if (!add) continue;
    pages += add;
    if (pages <= maxPages) continue;
    result.renderErrors.push({
      fieldId: f.fieldId,
      name: f.name,
      bindingKey: f.bindingKey,
      code: 'document_too_many_pages',
      message: `"${f.name}" needs ${add} continuation pages; the document would have ${pages} pages, more than ${maxPages}`,
    });
    return;
  }
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
    groups: [],
    continuedTexts: [],
  };
  const membership = groupOf(fields);
  for (const field of fields) {
    const id = { fieldId: field.fieldId, name: field.name, bindingKey: field.bindingKey };
    // Members are checked per item, with their group.
    if (membership.has(field)) continue;
    try {
      if (field.type === 'table') {
        if (result.errors.some((v) => v.fieldId === field.fieldId)) continue;
        if (isGroup(field)) {
          const members = fields.filter((f) => membership.get(f) === field);
          groupPages(field, members, payload, fonts, result, opts.computed);
        } else tablePages(field, payload, fonts, result, opts.computed);
        continue;
      }
      if (!TEXT_LIKE.has(field.type)) continue;
      if (result.errors.some((v) => v.code === 'value_too_long' && v.bindingKey === field.bindingKey)) continue;
      checkText(field, payload, opts.computed, id, fonts, result);
    } catch (e) {
      if (!(e instanceof PdfError)) throw e;
      // A value validation already rejected (e.g. an option not in the list) fails to render for
      // the same reason: report it once, as the validation error.
      if (result.errors.some((v) => v.fieldId === field.fieldId)) continue;
      result.renderErrors.push({ ...id, code: e.code, message: e.message });
    }
  }
  if (opts.maxPages !== undefined) pageBound(fields, result, opts.basePages, opts.maxPages);
  if (opts.basePages !== undefined)
    result.pageCount =
      opts.basePages + [...result.tables, ...result.groups, ...result.continuedTexts].reduce((a, t) => a + t.continuationPages, 0);
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
