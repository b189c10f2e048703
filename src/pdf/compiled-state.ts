import type { PDFDict, PDFPage, PDFRef } from 'pdf-lib';
import type { ExpressionProgram } from './expressions/compile.js';
import type { FontRegistry } from './fonts/registry.js';
import type { TreeSlot } from './render/added-pages.js';
import type { PreparedField } from './render/draw.js';
import type { BaseXref, TrailerInfo } from './render/incremental.js';
import type { PreparedPage } from './render/page-bytes.js';

/*
 * A compiled template's state, in a module of its own: compile builds it, generate and the AcroForm
 * filler read it, and neither of those has to import compile (which imports generate) for the type.
 */

export interface BasePage {
  ref: PDFRef;
  dict: PDFDict;
  page: PDFPage;
  /** The page's parts serialised for the incremental path (on first use). */
  prepared?: PreparedPage;
}

/** What generate needs from compile (internal). */
export interface CompiledState {
  /** The base bytes documents are built on (decrypted when the upload needed it). */
  bytes: Uint8Array;
  pages: BasePage[];
  fields: PreparedField[];
  fonts: FontRegistry;
  /** Incremental updates possible: the base's xref tail was found. */
  xref: BaseXref | undefined;
  trailer: TrailerInfo;
  /** First free object number after the base's. */
  nextObject: number;
  /** Resource-name prefix unused by the base's pages. */
  prefix: string;
  /** Some field fills a form field of the base itself. */
  usesBaseForm: boolean;
  /**
   * Where each table's, group's or continuing text's page sits in the page tree (by base page index),
   * for the continuation pages an incremental update adds after it. Such a page missing here (a tree the update cannot
   * extend: damaged, repaired on load) sends every document through the rewrite path.
   */
  treeSlots: Map<number, TreeSlot>;
  tablePagesExtendable: boolean;
  /** The fields' expressions and conditions, compiled once; undefined when there are none. */
  expressions: ExpressionProgram | undefined;
}
