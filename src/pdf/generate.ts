import fontkit from '@pdf-lib/fontkit';
import type { PDFDict } from 'pdf-lib';
import { PDFContext, PDFDocument } from 'pdf-lib';
import type { CompiledState } from './compiled-state.js';
import { PdfError } from './errors.js';
import { fieldKey } from './expressions/compile.js';
import { evaluateExpressions, tableDocumentFor } from './expressions/evaluate.js';
import { fillForms } from './render/acroform.js';
import { DocumentCanvas } from './render/canvas.js';
import { visibleBox } from './coordinates.js';
import { insertAddedPages, prepareAddedPage, writeTreeUpdates } from './render/added-pages.js';
import { isPresent } from './render/binding.js';
import { drawField, fieldText, fieldValue, type PreparedField } from './render/draw.js';
import { drawGroup, type GroupPlan } from './render/group.js';
import { drawTable, type TablePlan } from './render/table.js';
import { drawFlow, paginateText, type FlowPlan } from './render/text-flow.js';
import { writeIncremental } from './render/incremental.js';
import { preparePage, writePages } from './render/page-bytes.js';
import { applyPageContent, qStream } from './render/page-update.js';
import { drawWatermark } from './render/watermark.js';
import type { GenerateOptions, GeneratedDocument } from './types.js';

/**
 * One document from a compiled template. Fast path: an incremental update over the untouched
 * base bytes (no parse, no re-serialisation). The base is parsed and rewritten with pdf-lib only
 * when pdf-lib's form API is needed (fillable output, filling the base's own form fields) or the
 * base's xref tail is unusable.
 */
export async function generateDocument(
  state: CompiledState,
  payload: Record<string, unknown>,
  opts: GenerateOptions,
): Promise<GeneratedDocument> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new PdfError('payload_invalid', 'The payload must be a JSON object');
  }
  // Only templates with expressions pay for them.
  if (state.expressions && !opts.computed) opts = { ...opts, computed: (await evaluateExpressions(state.expressions, payload)).computed };
  const flatten = opts.flatten ?? true;
  const needsRewrite = !flatten || state.usesBaseForm || !state.xref || !state.tablePagesExtendable;
  return needsRewrite ? rewrite(state, payload, opts, flatten) : incremental(state, payload, opts);
}

async function drawAll(
  canvas: DocumentCanvas,
  fields: PreparedField[],
  state: CompiledState,
  payload: Record<string, unknown>,
  opts: GenerateOptions,
): Promise<void> {
  for (const p of fields) {
    if (p.table) await drawTableField(canvas, p, p.table, state, payload, opts);
    else if (p.group) await drawGroupField(canvas, p, p.group, state, payload, opts);
    else if (p.flow) await drawFlowField(canvas, p, p.flow, state, payload, opts);
    else if (p.field.advanced.pageNumber === undefined) await drawField(canvas, p, payload, opts.limits, opts.computed);
  }
  // Page numbers last: only now is the number of pages known.
  const numbered = fields.filter((p) => p.field.advanced.pageNumber !== undefined && p.field.type === 'text');
  if (numbered.length > 0) await drawPageNumbers(canvas, numbered, opts);
  if (opts.testWatermark) {
    state.pages.forEach((bp, i) => drawWatermark(canvas, i, bp.page, state.fonts, opts.testWatermark!));
    for (const a of canvas.added) {
      drawWatermark(canvas, a.index, state.pages[a.source === 'blank' ? a.after : a.source].page, state.fonts, opts.testWatermark);
    }
  }
  await canvas.fonts.finalize();
}

/** Page-number fields on their page, and on the continuation pages copying it when they repeat there. */
async function drawPageNumbers(canvas: DocumentCanvas, numbered: PreparedField[], opts: GenerateOptions): Promise<void> {
  const order = canvas.outputOrder();
  const pages = String(canvas.pageCount);
  for (const p of numbered) {
    const on = [p.pageIndex];
    if (p.field.advanced.repeatOnContinuation) for (const a of canvas.added) if (a.source === p.pageIndex) on.push(a.index);
    for (const pageIndex of on) {
      const text = p.field.advanced.pageNumber!.replaceAll('{page}', String(order.get(pageIndex))).replaceAll('{pages}', pages);
      const field = { ...p.field, advanced: { ...p.field.advanced, defaultValue: text, visibility: 'always' as const } };
      await drawField(canvas, { ...p, field, pageIndex }, {}, opts.limits);
    }
  }
}

/** The array a table or group draws, or undefined when it prints nothing; anything else is payload_invalid. */
function listValue(
  p: PreparedField,
  payload: Record<string, unknown>,
  opts: GenerateOptions,
  what: 'Table' | 'Group',
): unknown[] | undefined {
  const { value, show } = fieldValue(p.field, payload, opts.computed);
  if (!show || !isPresent(value)) return undefined;
  if (!Array.isArray(value)) {
    throw new PdfError(
      'payload_invalid',
      `${what} "${p.field.name}" (${p.field.bindingKey}) takes a list of ${what === 'Table' ? 'rows' : 'items'}`,
      {
        fieldId: p.field.fieldId,
        bindingKey: p.field.bindingKey,
      },
    );
  }
  return value;
}

/** A table, and on each continuation page it adds the fields of the copied page that repeat there. */
async function drawTableField(
  canvas: DocumentCanvas,
  p: PreparedField,
  plan: TablePlan,
  state: CompiledState,
  payload: Record<string, unknown>,
  opts: GenerateOptions,
): Promise<void> {
  const rows = listValue(p, payload, opts, 'Table');
  if (!rows) return;
  const document = tableDocumentFor(opts.computed, fieldKey(p.field));
  await drawTable(canvas, p.field, plan, rows, document, opts.limits ?? {}, repeater(canvas, state, plan.source, p, payload, opts));
}

/** A repeating group: its members once per item, continued like a table. */
async function drawGroupField(
  canvas: DocumentCanvas,
  p: PreparedField,
  plan: GroupPlan,
  state: CompiledState,
  payload: Record<string, unknown>,
  opts: GenerateOptions,
): Promise<void> {
  const items = listValue(p, payload, opts, 'Group');
  if (!items) return;
  await drawGroup(canvas, p.field, plan, items, opts.limits ?? {}, repeater(canvas, state, plan.source, p, payload, opts));
}

/** Text with overflow 'continue': drawn as any field when it fits, else over its box and continuation pages. */
async function drawFlowField(
  canvas: DocumentCanvas,
  p: PreparedField,
  plan: FlowPlan,
  state: CompiledState,
  payload: Record<string, unknown>,
  opts: GenerateOptions,
): Promise<void> {
  const { value, show } = fieldValue(p.field, payload, opts.computed);
  if (!show) return;
  const text = isPresent(value) ? fieldText(p.field, value) : undefined;
  const pages = text && paginateText(p.field, p.chain, text.text, plan.box, plan.nextBox);
  if (!text || !pages || pages.chunks.length === 1) return drawField(canvas, p, payload, opts.limits, opts.computed);
  if (text.truncated) {
    canvas.warnings.push({
      fieldId: p.field.fieldId,
      name: p.field.name,
      bindingKey: p.field.bindingKey,
      code: 'truncated_max_length',
      message: `Value cut to maxLength ${p.field.advanced.maxLength} characters`,
    });
  }
  await drawFlow(canvas, p, plan, pages, opts.limits?.maxPages, repeater(canvas, state, plan.source, p, payload, opts));
}

/** What a field that adds continuation pages draws on each: the fields of the copied page marked repeatOnContinuation. */
function repeater(
  canvas: DocumentCanvas,
  state: CompiledState,
  source: number | 'blank',
  self: PreparedField,
  payload: Record<string, unknown>,
  opts: GenerateOptions,
): (pageIndex: number) => Promise<void> {
  const repeats =
    source === 'blank'
      ? []
      : state.fields.filter(
          (f) =>
            f.pageIndex === source &&
            f !== self &&
            !f.table &&
            !f.group &&
            !f.flow &&
            f.field.advanced.repeatOnContinuation &&
            f.field.advanced.pageNumber === undefined,
        );
  return async (pageIndex) => {
    for (const f of repeats) await drawField(canvas, { ...f, pageIndex }, payload, opts.limits, opts.computed);
  };
}

async function incremental(state: CompiledState, payload: Record<string, unknown>, opts: GenerateOptions): Promise<GeneratedDocument> {
  const overlay = PDFContext.create();
  overlay.largestObjectNumber = state.nextObject - 1;
  const canvas = new DocumentCanvas(overlay, state.prefix, state.pages.length);
  await drawAll(canvas, state.fields, state, payload, opts);
  const touched = [...canvas.pages].filter(([index, pc]) => pc.ops.length > 0 || index >= state.pages.length);
  if (touched.length === 0) return { bytes: state.bytes, warnings: canvas.warnings, pageCount: state.pages.length };
  const q = qStream(overlay);
  const addedRefs = canvas.added.map(() => overlay.nextRef());
  // Compile found a slot for every table page (else this document would have been rewritten).
  const slotOf = (after: number) => state.treeSlots.get(after)!;
  writePages(
    overlay,
    touched.map(([index, pc]) => {
      if (index < state.pages.length) {
        const base = state.pages[index];
        base.prepared ??= preparePage(base.dict);
        return { ref: base.ref, prepared: base.prepared, canvas: pc };
      }
      const a = canvas.added[index - state.pages.length];
      return {
        ref: addedRefs[index - state.pages.length],
        prepared: prepareAddedPage(state.pages, a, slotOf(a.after).parent, visibleBox(state.pages[a.after].page)),
        canvas: pc,
      };
    }),
    q,
  );
  if (canvas.added.length > 0) writeTreeUpdates(overlay, state.pages, canvas.added, addedRefs, slotOf);
  const bytes = writeIncremental(state.bytes, state.xref!, overlay, state.trailer);
  return { bytes, warnings: canvas.warnings, pageCount: canvas.pageCount };
}

async function rewrite(
  state: CompiledState,
  payload: Record<string, unknown>,
  opts: GenerateOptions,
  flatten: boolean,
): Promise<GeneratedDocument> {
  const doc = await PDFDocument.load(state.bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  doc.registerFontkit(fontkit);
  const canvas = new DocumentCanvas(doc.context, state.prefix, state.pages.length);
  // Form fields first: pdf-lib's flatten rewrites page content, ours is added after it.
  const handled = await fillForms(doc, state, payload, flatten, canvas, opts.computed);
  await drawAll(
    canvas,
    state.fields.filter((f) => !handled.has(f)),
    state,
    payload,
    opts,
  );
  const pages = insertAddedPages(doc, canvas.added, canvas.outputOrder(), (after) => visibleBox(state.pages[after].page));
  const touched = [...canvas.pages].filter(([, pc]) => pc.ops.length > 0);
  if (touched.length > 0) {
    const q = qStream(doc.context);
    for (const [index, pc] of touched) {
      const dict: PDFDict = pages[index].node;
      applyPageContent(doc.context, dict, dict, pc, q);
    }
  }
  const bytes = await doc.save({ useObjectStreams: true, updateFieldAppearances: false });
  return { bytes, warnings: canvas.warnings, pageCount: doc.getPageCount() };
}
