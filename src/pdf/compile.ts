import { visibleBox } from './coordinates.js';
import { PdfError } from './errors.js';
import { compileFieldExpressions } from './expressions/compile.js';
import { defaultFontRegistry, type FontRegistry } from './fonts/registry.js';
import { loadPdf } from './load.js';
import type { PreparedField } from './render/draw.js';
import { readBaseXref } from './render/incremental.js';
import { resourceNames } from './render/page-update.js';
import { planTable } from './render/table.js';
import { treeSlot, type TreeSlot } from './render/added-pages.js';
import type { BasePage, CompiledState } from './compiled-state.js';
import { generateDocument } from './generate.js';
import { applyOutput, prepareOutput } from './output/index.js';
import type { EngineField, GenerateOptions, GeneratedDocument } from './types.js';

/** A template ready to generate: the base parsed once, fields placed, fonts resolved. */
export interface CompiledTemplate {
  generate(payload: Record<string, unknown>, opts?: GenerateOptions): Promise<GeneratedDocument>;
  pageCount: number;
}

export interface CompileOptions {
  fonts?: FontRegistry;
}

function choosePrefix(pages: BasePage[]): string {
  const names = pages.flatMap((p) => resourceNames(p.dict));
  for (let k = 0; ; k++) {
    const prefix = k === 0 ? 'Ps' : `Ps${k}`;
    if (!names.some((n) => n.startsWith(prefix))) return prefix;
  }
}

/** The tree slots of the pages tables continue after (see CompiledState.treeSlots). */
function tableTreeSlots(pages: BasePage[], prepared: PreparedField[]): Pick<CompiledState, 'treeSlots' | 'tablePagesExtendable'> {
  const treeSlots = new Map<number, TreeSlot>();
  let tablePagesExtendable = true;
  for (const p of prepared) {
    if (!p.table || treeSlots.has(p.pageIndex)) continue;
    const slot = treeSlot(pages[p.pageIndex]);
    if (slot) treeSlots.set(p.pageIndex, slot);
    else tablePagesExtendable = false;
  }
  return { treeSlots, tablePagesExtendable };
}

export async function compileTemplate(base: Uint8Array, fields: EngineField[], opts: CompileOptions = {}): Promise<CompiledTemplate> {
  const fonts = opts.fonts ?? defaultFontRegistry();
  const loaded = await loadPdf(base);
  const doc = loaded.doc;
  const pages: BasePage[] = doc.getPages().map((page) => ({ ref: page.ref, dict: page.node, page }));
  const pageBoxes = pages.map((p) => visibleBox(p.page));
  const prepared: PreparedField[] = fields.map((field) => {
    if (field.page > pages.length) {
      throw new PdfError('pdf_page_out_of_range', `Field "${field.name}" is on page ${field.page}; the PDF has ${pages.length}`, {
        fieldId: field.fieldId,
        page: field.page,
        pageCount: pages.length,
      });
    }
    // Unknown font families fail here, at compile time, not per document.
    const chain = fonts.chain(field.style.fontFamily, field.style.bold, field.style.italic);
    const table = field.type === 'table' ? planTable(field, field.page - 1, pageBoxes, fonts) : undefined;
    const altChain = field.advanced.styleRules?.some((r) => r.bold !== undefined && r.bold !== field.style.bold)
      ? fonts.chain(field.style.fontFamily, !field.style.bold, field.style.italic)
      : undefined;
    return { field, pageIndex: field.page - 1, pageBox: pageBoxes[field.page - 1], chain, table, altChain };
  });
  // Paint order: layerOrder ascending, then template order (stable sort).
  prepared.sort((a, b) => a.field.layout.layerOrder - b.field.layout.layerOrder);
  const ctx = doc.context;
  const xref = ctx.trailerInfo.Encrypt ? undefined : readBaseXref(loaded.bytes);
  const state: CompiledState = {
    bytes: loaded.bytes,
    pages,
    fields: prepared,
    fonts,
    // An encrypted base cannot take plain appended objects; it is rewritten instead.
    xref,
    trailer: { Root: ctx.trailerInfo.Root, Info: ctx.trailerInfo.Info, ID: ctx.trailerInfo.ID },
    nextObject: Math.max(ctx.largestObjectNumber + 1, xref?.size ?? 0),
    prefix: choosePrefix(pages),
    usesBaseForm: fields.some((f) => f.advanced.acroFormName !== undefined),
    ...tableTreeSlots(pages, prepared),
    expressions: compileFieldExpressions(fields),
  };
  return {
    pageCount: pages.length,
    generate: async (payload, gopts = {}) => {
      const drawn = prepareOutput(gopts.output, payload ?? {}, gopts.secrets);
      return applyOutput(await generateDocument(state, drawn, gopts), gopts.output, { payload: drawn, secrets: gopts.secrets });
    },
  };
}
