import fontkit from '@pdf-lib/fontkit';
import type { PDFDict } from 'pdf-lib';
import { PDFContext, PDFDocument } from 'pdf-lib';
import type { CompiledState } from './compiled-state.js';
import { PdfError } from './errors.js';
import { evaluateExpressions } from './expressions/evaluate.js';
import { fillForms } from './render/acroform.js';
import { DocumentCanvas } from './render/canvas.js';
import { drawField, type PreparedField } from './render/draw.js';
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
  const needsRewrite = !flatten || state.usesBaseForm || !state.xref;
  return needsRewrite ? rewrite(state, payload, opts, flatten) : incremental(state, payload, opts);
}

async function drawAll(
  canvas: DocumentCanvas,
  fields: PreparedField[],
  state: CompiledState,
  payload: Record<string, unknown>,
  opts: GenerateOptions,
): Promise<void> {
  for (const p of fields) await drawField(canvas, p, payload, opts.limits, opts.computed);
  if (opts.testWatermark) {
    state.pages.forEach((bp, i) => drawWatermark(canvas, i, bp.page, state.fonts, opts.testWatermark!));
  }
  await canvas.fonts.finalize();
}

async function incremental(state: CompiledState, payload: Record<string, unknown>, opts: GenerateOptions): Promise<GeneratedDocument> {
  const overlay = PDFContext.create();
  overlay.largestObjectNumber = state.nextObject - 1;
  const canvas = new DocumentCanvas(overlay, state.prefix);
  await drawAll(canvas, state.fields, state, payload, opts);
  const touched = [...canvas.pages].filter(([, pc]) => pc.ops.length > 0);
  if (touched.length === 0) return { bytes: state.bytes, warnings: canvas.warnings, pageCount: state.pages.length };
  const q = qStream(overlay);
  writePages(
    overlay,
    touched.map(([index, canvas]) => {
      const base = state.pages[index];
      base.prepared ??= preparePage(base.dict);
      return { ref: base.ref, prepared: base.prepared, canvas };
    }),
    q,
  );
  const bytes = writeIncremental(state.bytes, state.xref!, overlay, state.trailer);
  return { bytes, warnings: canvas.warnings, pageCount: state.pages.length };
}

async function rewrite(
  state: CompiledState,
  payload: Record<string, unknown>,
  opts: GenerateOptions,
  flatten: boolean,
): Promise<GeneratedDocument> {
  const doc = await PDFDocument.load(state.bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  doc.registerFontkit(fontkit);
  const canvas = new DocumentCanvas(doc.context, state.prefix);
  // Form fields first: pdf-lib's flatten rewrites page content, ours is added after it.
  const handled = await fillForms(doc, state, payload, flatten, canvas.warnings, opts.computed);
  await drawAll(
    canvas,
    state.fields.filter((f) => !handled.has(f)),
    state,
    payload,
    opts,
  );
  const touched = [...canvas.pages].filter(([, pc]) => pc.ops.length > 0);
  if (touched.length > 0) {
    const q = qStream(doc.context);
    const pages = doc.getPages();
    for (const [index, pc] of touched) {
      const dict: PDFDict = pages[index].node;
      applyPageContent(doc.context, dict, dict, pc, q);
    }
  }
  const bytes = await doc.save({ useObjectStreams: true, updateFieldAppearances: false });
  return { bytes, warnings: canvas.warnings, pageCount: doc.getPageCount() };
}
