/**
 * Deterministic bench inputs: the two base PDFs (built here with pdf-lib, so a clone without the
 * shared corpus runs the same bench), the template fields in our model and in pdfme's, and the
 * records (accented Latin text from a seeded generator, so every run draws the same strings).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { fieldInputSchema } from '@/shared/domain/field.js';
import type { EngineField } from '@/pdf/index.js';

const require_ = createRequire(import.meta.url);

/** The TTF every engine draws with: DejaVu Sans from dejavu-fonts-ttf, the wide-coverage face our registry bundles ("DejaVu Sans"). */
export const FONT_FAMILY = 'DejaVu Sans';
export const FONT_PATH = path.join(path.dirname(require_.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf');
export const FONT_SIZE = 10;

/** A field of the bench template, in points from the top-left of the page (our convention). */
export interface BenchField {
  key: string;
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BenchTemplate {
  name: 'invoice' | '20-page';
  base: Uint8Array;
  fields: BenchField[];
  pageHeight: number;
}

const FIXED_DATE = new Date(Date.UTC(2026, 0, 1));

async function finish(doc: PDFDocument): Promise<Uint8Array> {
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  doc.setProducer('pdf-studio bench');
  doc.setCreator('pdf-studio bench');
  return doc.save();
}

const A4: [number, number] = [595.28, 841.89];

/** A 1-page invoice: logo (vector art), address block labels, a ruled 8-line item table, totals. */
async function invoiceBase(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage(A4);
  const [, h] = A4;
  const helv = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const top = (y: number): number => h - y; // our top-left y → pdf-lib's bottom-left y
  // Logo: a circle, a triangle and the company name.
  page.drawCircle({ x: 70, y: top(70), size: 24, color: rgb(0.12, 0.35, 0.65) });
  page.drawSvgPath('M 0 0 L 20 -34 L 40 0 Z', { x: 50, y: top(58), color: rgb(1, 1, 1) });
  page.drawText('Acme Fabrication GmbH', { x: 104, y: top(66), size: 16, font: bold, color: rgb(0.12, 0.35, 0.65) });
  page.drawText('Industriestraße 12 · 80331 München · Germany', { x: 104, y: top(82), size: 9, font: helv });
  page.drawText('INVOICE', { x: 440, y: top(66), size: 22, font: bold });
  const labels: [string, number, number][] = [
    ['Invoice no.', 400, 110],
    ['Date', 400, 130],
    ['Bill to', 50, 150],
    ['Reference', 400, 150],
  ];
  for (const [t, x, y] of labels) page.drawText(t, { x, y: top(y), size: 9, font: bold });
  // Item table: header band, 8 rows, column rules.
  page.drawRectangle({ x: 50, y: top(262), width: 495, height: 18, color: rgb(0.9, 0.92, 0.96) });
  for (const [t, x] of [
    ['Description', 56],
    ['Qty', 380],
    ['Amount', 470],
  ] as const)
    page.drawText(t, { x, y: top(257), size: 9, font: bold });
  for (let r = 0; r <= 8; r++)
    page.drawLine({
      start: { x: 50, y: top(262 + r * 24) },
      end: { x: 545, y: top(262 + r * 24) },
      thickness: 0.5,
      color: rgb(0.6, 0.6, 0.6),
    });
  for (const x of [50, 370, 460, 545])
    page.drawLine({ start: { x, y: top(244) }, end: { x, y: top(454) }, thickness: 0.5, color: rgb(0.6, 0.6, 0.6) });
  page.drawText('Total', { x: 400, y: top(480), size: 11, font: bold });
  page.drawText('Thank you for your business. Payment due within 30 days.', {
    x: 50,
    y: top(780),
    size: 8,
    font: helv,
    color: rgb(0.4, 0.4, 0.4),
  });
  return finish(doc);
}

const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ';

/** A 20-page document: a heading, 30 lines of body text and a footer rule on every page. */
async function multiPageBase(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const times = await doc.embedFont(StandardFonts.TimesRoman);
  const bold = await doc.embedFont(StandardFonts.TimesRomanBold);
  for (let p = 1; p <= 20; p++) {
    const page = doc.addPage(A4);
    const h = A4[1];
    page.drawText(`Section ${p}: Terms and conditions`, { x: 50, y: h - 60, size: 16, font: bold });
    for (let l = 0; l < 30; l++)
      page.drawText(LOREM.slice((l * 7) % 40, ((l * 7) % 40) + 88), { x: 50, y: h - 220 - l * 16, size: 10, font: times });
    page.drawLine({ start: { x: 50, y: 60 }, end: { x: 545, y: 60 }, thickness: 0.5 });
    page.drawText(`Page ${p} of 20`, { x: 270, y: 45, size: 8, font: times });
  }
  return finish(doc);
}

function invoiceFields(): BenchField[] {
  const f: BenchField[] = [
    { key: 'invoiceNo', page: 1, x: 460, y: 100, width: 85, height: 14 },
    { key: 'date', page: 1, x: 460, y: 120, width: 85, height: 14 },
    { key: 'reference', page: 1, x: 460, y: 140, width: 85, height: 14 },
    { key: 'customerName', page: 1, x: 50, y: 160, width: 280, height: 14 },
    { key: 'customerStreet', page: 1, x: 50, y: 176, width: 280, height: 14 },
    { key: 'customerCity', page: 1, x: 50, y: 192, width: 280, height: 14 },
  ];
  for (let r = 0; r < 8; r++) {
    const y = 267 + r * 24;
    f.push({ key: `item${r}Desc`, page: 1, x: 56, y, width: 310, height: 14 });
    f.push({ key: `item${r}Qty`, page: 1, x: 376, y, width: 80, height: 14 });
    f.push({ key: `item${r}Amount`, page: 1, x: 466, y, width: 76, height: 14 });
  }
  return f; // 6 + 24 = 30
}

function multiPageFields(): BenchField[] {
  const f: BenchField[] = [];
  for (let p = 1; p <= 20; p++) {
    f.push({ key: `p${p}Party`, page: p, x: 50, y: 80, width: 400, height: 14 });
    f.push({ key: `p${p}Clause`, page: p, x: 50, y: 110, width: 495, height: 14 });
    f.push({ key: `p${p}Sign`, page: p, x: 50, y: 740, width: 300, height: 14 });
  }
  return f; // 60
}

export async function buildTemplates(): Promise<BenchTemplate[]> {
  return [
    { name: 'invoice', base: await invoiceBase(), fields: invoiceFields(), pageHeight: A4[1] },
    { name: '20-page', base: await multiPageBase(), fields: multiPageFields(), pageHeight: A4[1] },
  ];
}

/** Our template: text fields in DejaVu Sans 10 pt, top-left aligned (as pdfme draws by default). */
export function engineFields(t: BenchTemplate): EngineField[] {
  return t.fields.map((f, i) => ({
    ...fieldInputSchema.parse({
      name: f.key,
      type: 'text',
      page: f.page,
      position: { x: f.x, y: f.y },
      size: { width: f.width, height: f.height },
      bindingKey: f.key,
      style: { fontFamily: FONT_FAMILY, fontSize: FONT_SIZE, verticalAlign: 'top', textAlign: 'left', lineHeight: 1 },
    }),
    fieldId: `f${i}`,
  }));
}

const MM = 25.4 / 72;

/** The same template for pdmfe: basePdf = our base bytes, one text schema per field, mm units. */
export function pdfmeTemplate(t: BenchTemplate): { basePdf: Uint8Array; schemas: Record<string, unknown>[][] } {
  const pages = Math.max(...t.fields.map((f) => f.page));
  const schemas: Record<string, unknown>[][] = Array.from({ length: pages }, () => []);
  for (const f of t.fields) {
    schemas[f.page - 1].push({
      name: f.key,
      type: 'text',
      position: { x: f.x * MM, y: f.y * MM },
      width: f.width * MM,
      height: f.height * MM,
      fontName: 'DejaVu',
      fontSize: FONT_SIZE,
      lineHeight: 1,
      alignment: 'left',
      verticalAlignment: 'top',
      fontColor: '#000000',
    });
  }
  return { basePdf: t.base, schemas };
}

// Seeded PRNG (mulberry32): the same records on every run.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['José', 'Zoë', 'Łukasz', 'Søren', 'Ödön', 'Núñez', 'Françoise', 'Jürgen', 'Dvořák', 'Björk', 'Ágnes', 'Çelik'];
const LAST = [
  'Müller',
  'Peña',
  'Wałęsa',
  'Kovač',
  'Erdős',
  'Ørsted',
  'Gonçalves',
  'Šimůnek',
  'Þórsdóttir',
  'Škoda',
  'Lindqvist',
  'Żółkiewski',
];
const WORDS = [
  'ñandú',
  'crème brûlée',
  'smørrebrød',
  'Größe',
  'łódź',
  'őszibarack',
  'façade',
  'naïve',
  'jalapeño',
  'Ærø',
  'über',
  'café',
  'déjà vu',
  'piñata',
  'fjørd',
  'Świętokrzyskie',
];
const CITIES = ['Kraków', 'São Paulo', 'Malmö', 'Zürich', 'Győr', 'Málaga', 'Tromsø', 'Besançon', 'Łódź', 'Düsseldorf'];

export function makeRecords(t: BenchTemplate, count: number, seed = 42): Record<string, string>[] {
  const r = rng(seed + (t.name === 'invoice' ? 0 : 1));
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const words = (n: number): string => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const person = (): string => `${pick(FIRST)} ${pick(LAST)}`;
  const out: Record<string, string>[] = [];
  for (let i = 0; i < count; i++) {
    const rec: Record<string, string> = {};
    for (const f of t.fields) {
      const k = f.key;
      if (k === 'invoiceNo') rec[k] = `INV-${String(100000 + i)}`;
      else if (k === 'date') rec[k] = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
      else if (k === 'reference') rec[k] = `Réf ${i % 997}`;
      else if (k === 'customerName' || k.endsWith('Party') || k.endsWith('Sign')) rec[k] = person();
      else if (k === 'customerStreet') rec[k] = `${pick(LAST)}straße ${1 + (i % 90)}`;
      else if (k === 'customerCity') rec[k] = `${10000 + i} ${pick(CITIES)}`;
      else if (k.endsWith('Qty')) rec[k] = String(1 + Math.floor(r() * 20));
      else if (k.endsWith('Amount')) rec[k] = `${(r() * 900 + 10).toFixed(2)} €`;
      else if (k.endsWith('Clause')) rec[k] = `Clause ${i}: ${words(5)}`;
      else rec[k] = words(3);
    }
    out.push(rec);
  }
  return out;
}
