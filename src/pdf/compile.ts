import { toUserRect, visibleBox, type PageBox } from './coordinates.js';
import { PdfError } from './errors.js';
import { compileFieldExpressions } from './expressions/compile.js';
import { defaultFontRegistry, type FontRegistry } from './fonts/registry.js';
import { loadPdf } from './load.js';
import type { PreparedField } from './render/draw.js';
import { readBaseXref } from './render/incremental.js';
import { resourceNames } from './render/page-update.js';
import { groupMembers, planGroup } from './render/group.js';
import { planTable } from './render/table.js';
import { planFlow } from './render/text-flow.js';
import { groupDefinitionIssues } from './validate/group.js';
import { treeSlot, type TreeSlot } from './render/added-pages.js';
import type { BasePage, CompiledState } from './compiled-state.js';
import { generateDocument } from './generate.js';
import { applyOutput, prepareOutput, type SignatureBox } from './output/index.js';
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

/** The tree slots of the pages tables, groups and continuing texts continue after (see CompiledState.treeSlots). */
function tableTreeSlots(pages: BasePage[], prepared: PreparedField[]): Pick<CompiledState, 'treeSlots' | 'tablePagesExtendable'> {
  const treeSlots = new Map<number, TreeSlot>();
  let tablePagesExtendable = true;
  for (const p of prepared) {
    if (!(p.table || p.group || p.flow) || treeSlots.has(p.pageIndex)) continue;
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
  const groupIssues = groupDefinitionIssues(fields, pageBoxes);
  if (groupIssues.length > 0) {
    const [first] = groupIssues;
    throw new PdfError('group_invalid', `Field "${first.name}": ${first.issue.message}`, {
      issues: groupIssues.map((g) => ({ fieldId: g.fieldId, ...g.issue })),
    });
  }
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
    const pageIndex = field.page - 1;
    const group = field.type === 'table' ? planGroup(field, pageIndex, pageBoxes) : undefined;
    const table = field.type === 'table' && !group ? planTable(field, pageIndex, pageBoxes, fonts) : undefined;
    const flow = planFlow(field, pageIndex, pageBoxes);
    const altChain = field.advanced.styleRules?.some((r) => r.bold !== undefined && r.bold !== field.style.bold)
      ? fonts.chain(field.style.fontFamily, !field.style.bold, field.style.italic)
      : undefined;
    return { field, pageIndex, pageBox: pageBoxes[pageIndex], chain, table, group, flow, altChain };
  });
  // Paint order: layerOrder ascending, then template order (stable sort).
  prepared.sort((a, b) => a.field.layout.layerOrder - b.field.layout.layerOrder);
  // A group's members are drawn by the group, once per item, and by nothing else.
  const members = new Set<PreparedField>();
  for (const p of prepared) {
    if (!p.group) continue;
    p.group.members = groupMembers(p.field, prepared);
    for (const m of p.group.members) members.add(m.prepared);
  }
  const drawn = prepared.filter((p) => !members.has(p));
  const ctx = doc.context;
  const xref = ctx.trailerInfo.Encrypt ? undefined : readBaseXref(loaded.bytes);
  const state: CompiledState = {
    bytes: loaded.bytes,
    pages,
    fields: drawn,
    fonts,
    // An encrypted base cannot take plain appended objects; it is rewritten instead.
    xref,
    trailer: { Root: ctx.trailerInfo.Root, Info: ctx.trailerInfo.Info, ID: ctx.trailerInfo.ID },
    nextObject: Math.max(ctx.largestObjectNumber + 1, xref?.size ?? 0),
    prefix: choosePrefix(pages),
    usesBaseForm: fields.some((f) => f.advanced.acroFormName !== undefined),
    ...tableTreeSlots(pages, drawn),
    expressions: compileFieldExpressions(fields),
  };
  return {
    pageCount: pages.length,
    generate: async (payload, gopts = {}) => {
      const { payload: drawn, facturxXml } = await prepareOutput(gopts.output, payload ?? {}, gopts.secrets);
      const signatureBox = visibleSignatureBox(fields, pages, pageBoxes, gopts.output?.signature?.fieldId);
      return applyOutput(await generateDocument(state, drawn, gopts), gopts.output, {
        payload: drawn,
        facturxXml,
        secrets: gopts.secrets,
        signatureBox,
      });
    },
  };
}

/**
 * The box of the signature field a visible signature names, in its page's user space, and that
 * page's object number: pages a table or text adds are inserted after the page they continue, so a
 * later base page's index moves, while its object (kept by the incremental write) does not.
 */
function visibleSignatureBox(
  fields: EngineField[],
  pages: BasePage[],
  pageBoxes: PageBox[],
  fieldId: string | undefined,
): SignatureBox | undefined {
  if (!fieldId) return undefined;
  const field = fields.find((f) => f.fieldId === fieldId);
  if (!field || field.type !== 'signature') {
    throw new PdfError('signature_field_invalid', `The signature's fieldId ${fieldId} is not a signature field of the template`, {
      fieldId,
    });
  }
  const pageIndex = field.page - 1;
  const rect = toUserRect(pageBoxes[pageIndex], { ...field.position, ...field.size });
  return { pageIndex, pageObject: pages[pageIndex].ref.objectNumber, rect };
}
