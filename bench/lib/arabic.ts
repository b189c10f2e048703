/**
 * The Arabic invoice: the Latin invoice's base and fields, with customer names, addresses (house
 * numbers, postcodes) and item descriptions (sizes, brand names) in Arabic. Ours shapes with
 * HarfBuzz and orders each line by the bidi algorithm; pdfme (same DejaVu Sans, same boxes) joins
 * the letters but reverses the whole string, so the numbers and Latin words inside Arabic text
 * come out backwards (12 → 21, ACME → EMCA) and vowel marks land on the wrong letter: the ratio
 * compares speed only. Both run interleaved in one process; ours must extract back (pdf.js) as
 * every value of the record.
 */
import { compileTemplate } from '@/pdf/index.js';
import { pdfme } from './engines.js';
import { buildTemplates, engineFields, type BenchTemplate } from './fixtures.js';
import { pageTexts } from './verify.js';

const FIRST = ['محمد', 'فاطمة', 'أحمد', 'ليلى', 'يوسف', 'مريم', 'عمر', 'نور', 'خالد', 'سارة', 'علي', 'هدى'];
const LAST = ['العتيبي', 'الحسيني', 'المصري', 'الخطيب', 'النجار', 'الشامي', 'البغدادي', 'القحطاني', 'الزهراني', 'السويدي'];
const STREETS = ['شارع الملك فهد', 'طريق الكورنيش', 'شارع الجامعة', 'حي النخيل', 'شارع الاستقلال', 'طريق المطار'];
const CITIES = ['الرياض', 'القاهرة', 'عمّان', 'بيروت', 'الدار البيضاء', 'تونس', 'دبي', 'الدوحة', 'مسقط', 'بغداد'];
const ITEMS = ['قهوة عربية', 'تمر مجدول', 'زيت زيتون', 'ورق مقوى', 'أقلام حبر', 'دفاتر مدرسية', 'حقيبة جلدية', 'مصباح مكتب'];
const BRANDS = ['ACME', 'Zeta', 'Nova', 'Orion'];

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

export function arabicRecords(t: BenchTemplate, count: number, seed = 7): Record<string, string>[] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  return Array.from({ length: count }, (_, i) => {
    const rec: Record<string, string> = {};
    for (const { key: k } of t.fields) {
      if (k === 'invoiceNo') rec[k] = `INV-${100000 + i}`;
      else if (k === 'date') rec[k] = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
      else if (k === 'reference') rec[k] = `PO-${i % 997}`;
      else if (k === 'customerName') rec[k] = `${pick(FIRST)} ${pick(LAST)}`;
      else if (k === 'customerStreet') rec[k] = `${pick(STREETS)} ${1 + (i % 90)}`;
      else if (k === 'customerCity') rec[k] = `${pick(CITIES)} ${10000 + i}`;
      else if (k.endsWith('Qty')) rec[k] = String(1 + Math.floor(r() * 20));
      else if (k.endsWith('Amount')) rec[k] = (r() * 900 + 10).toFixed(2);
      else rec[k] = `${pick(ITEMS)} ${pick(BRANDS)} ${(1 + Math.floor(r() * 9)) * 250} غ`;
    }
    return rec;
  });
}

export interface ArabicBenchResult {
  records: number;
  oursMsPerDoc: number;
  pdfmeMsPerDoc: number;
  /** pdfme's time over ours (> 1: ours is faster) */
  ratio: number;
  oursBytes: number;
  pdfmeBytes: number;
  /** ours extracts back as every value of its record, in logical order */
  verified: boolean;
}

export async function benchArabic(records: number, warmup: number, log?: (l: string) => void): Promise<ArabicBenchResult> {
  const t = (await buildTemplates()).find((x) => x.name === 'invoice')!;
  const recs = arabicRecords(t, records);
  const compiled = await compileTemplate(t.base, engineFields(t));
  const ours = async (rec: Record<string, string>): Promise<Uint8Array> => (await compiled.generate(rec)).bytes;
  const theirs = await pdfme.prepare(t);
  for (let i = 0; i < warmup; i++) {
    await ours(recs[i % records]);
    await theirs(recs[i % records]);
  }
  let oursMs = 0;
  let pdfmeMs = 0;
  let last: { ours: Uint8Array; pdfme: Uint8Array } = { ours: new Uint8Array(), pdfme: new Uint8Array() };
  for (let i = 0; i < records; i++) {
    let t0 = performance.now();
    const o = await ours(recs[i]);
    oursMs += performance.now() - t0;
    t0 = performance.now();
    const p = await theirs(recs[i]);
    pdfmeMs += performance.now() - t0;
    last = { ours: o, pdfme: p };
    if ((i + 1) % 50 === 0) log?.(`  invoice-arabic: ${i + 1}/${records} documents`);
  }
  // pdf.js gives each run back in logical order (whitespace ignored, as verify.ts does).
  const squash = (s: string): string => s.replace(/\s+/g, '');
  const text = squash((await pageTexts(last.ours)).join('\n'));
  const verified = Object.values(recs[records - 1]).every((v) => text.includes(squash(v)));
  return {
    records,
    oursMsPerDoc: oursMs / records,
    pdfmeMsPerDoc: pdfmeMs / records,
    ratio: pdfmeMs / oursMs,
    oursBytes: last.ours.length,
    pdfmeBytes: last.pdfme.length,
    verified,
  };
}

export function arabicLines(r: ArabicBenchResult): string[] {
  return [
    `invoice-arabic: ${r.ratio.toFixed(1)}x vs pdfme (speed only: pdfme draws this Arabic wrongly, reversing whole strings so numbers and Latin inside Arabic text read backwards, 12 → 21; ours ${r.oursMsPerDoc.toFixed(2)} ms/doc, pdfme ${r.pdfmeMsPerDoc.toFixed(2)} ms/doc; bytes ${r.oursBytes} vs ${r.pdfmeBytes}${r.verified ? '' : '; NOT VERIFIED'})`,
  ];
}
