import fontkit from '@pdf-lib/fontkit';
import type { PDFDict } from 'pdf-lib';
import { PDFContext, PDFDocument } from 'pdf-lib';
import type { CompiledState } from './compiled-state.js';
import { PdfError } from './errors.js';
import { evaluateExpressions } from './expressions/evaluate.js';
import { fillForms } from './render/acroform.js';
import { DocumentCanvas } from './render/canvas.js';
import { visibleBox } from './coordinates.js';
import { insertAddedPages, prepareAddedPage, writeTreeUpdates } from './render/added-pages.js';
import { isPresent } from './render/binding.js';
import { drawField, fieldValue, type PreparedField } from './render/draw.js';
import { drawTable, type TablePlan } from './render/table.js';
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

/** A table, and on each continuation page it adds the fields of the copied page that repeat there. */
async function drawTableField(
  canvas: DocumentCanvas,
  p: PreparedField,
  plan: TablePlan,
  state: CompiledState,
  payload: Record<string, unknown>,
  opts: GenerateOptions,
): Promise<void> {
  const { value, show } = fieldValue(p.field, payload, opts.computed);
  if (!show || !isPresent(value)) return;
  if (!Array.isArray(value)) {
    throw new PdfError('payload_invalid', `Table "${p.field.name}" (${p.field.bindingKey}) takes a list of rows`, {
      fieldId: p.field.fieldId,
      bindingKey: p.field.bindingKey,
    });
  }
  const repeats =
    plan.source === 'blank'
      ? []
      : state.fields.filter(
          (f) =>
            f.pageIndex === plan.source &&
            f !== p &&
            !f.table &&
            f.field.advanced.repeatOnContinuation &&
            f.field.advanced.pageNumber === undefined,
        );
  await drawTable(canvas, p.field, plan, value, opts.limits ?? {}, async (pageIndex) => {
    for (const f of repeats) await drawField(canvas, { ...f, pageIndex }, payload, opts.limits, opts.computed);
  });
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
