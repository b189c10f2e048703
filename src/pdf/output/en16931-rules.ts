import type { FacturxProfile } from '@/shared/domain/output.js';
import type { CiiAllowanceCharge, CiiInvoice } from './cii-read.js';

/**
 * A subset of the EN 16931 business rules, in code: the official Schematron needs an XSLT 2
 * processor and the CEN stylesheets, neither of which our registries ship ready to run offline.
 * Run on every Factur-X invoice, the XML we write (read back) and XML a caller posts alike.
 *
 * Checked: BR-01…BR-16 (mandatory terms; the address, line and line-total ones only in the
 * profiles that carry them), BR-CO-10…BR-CO-18 and BR-CO-25 (arithmetic and presence of the
 * breakdown and payment due date), BR-DEC on every amount we read (at most two decimals), and for
 * the categories S, Z, E, AE, K (IC) and G: -01 (a breakdown of each category used), -05/-06/-07
 * (rate of lines, allowances and charges), -08 (taxable amount of each breakdown), -09 (a zero
 * VAT amount outside S; S is BR-CO-17), -10 (exemption reason) and BR-S-02 (seller VAT id when S is used). Every other rule
 * (codes lists, identifiers' schemes, BR-O/L/M, BR-AE-02…04, BR-CO-3…9, 19…24, 26, line
 * allowances and charges, BR-61…) is not checked: the README lists it.
 */

export interface RuleViolation {
  rule: string;
  message: string;
  /** Which part of the invoice: "header", "line 2", "VAT breakdown S 20", "allowance 1". */
  location: string;
}

const DEPTH: Record<FacturxProfile, 0 | 1 | 2> = { MINIMUM: 0, 'BASIC WL': 1, BASIC: 2, 'EN 16931': 2, EXTENDED: 2 };
/** UNTDID 5305 category → the rule family EN 16931 names it by. */
const FAMILY: Record<string, string> = { S: 'S', Z: 'Z', E: 'E', AE: 'AE', K: 'IC', G: 'G' };

const DECIMAL = /^[+-]?\d+(\.\d+)?$/;
/** An amount in cents, or undefined when absent or not a number (the XSD reports those). */
function cents(s: string | undefined): number | undefined {
  if (s === undefined || !DECIMAL.test(s.trim())) return undefined;
  const n = Number(s);
  return Math.sign(n) * Math.round(Math.abs(n) * 100 + 1e-9);
}
const rateOf = (s: string | undefined): number | undefined => (s === undefined || !DECIMAL.test(s.trim()) ? undefined : Number(s));
const show = (c: number): string => (c / 100).toFixed(2);
const sameRate = (a: string | undefined, b: string | undefined) => (rateOf(a) ?? 0) === (rateOf(b) ?? 0);

export function en16931Violations(inv: CiiInvoice, profile: FacturxProfile): RuleViolation[] {
  const depth = DEPTH[profile];
  const out: RuleViolation[] = [];
  const fail = (rule: string, location: string, message: string) => out.push({ rule, location, message });
  const need = (rule: string, value: unknown, what: string) => {
    if (value === undefined || value === '') fail(rule, 'header', `${what} is missing`);
  };
  const t = inv.totals;

  // Mandatory business terms.
  need('BR-01', inv.guideline, 'the specification identifier (BT-24)');
  need('BR-02', inv.number, 'the invoice number (BT-1)');
  need('BR-03', inv.issueDate, 'the issue date (BT-2)');
  need('BR-04', inv.typeCode, 'the invoice type code (BT-3)');
  need('BR-05', inv.currency, 'the invoice currency code (BT-5)');
  need('BR-06', inv.seller.name, 'the seller name (BT-27)');
  need('BR-07', inv.buyer.name, 'the buyer name (BT-44)');
  if (!inv.hasSellerAddress) fail('BR-08', 'header', 'the seller postal address (BG-5) is missing');
  need('BR-09', inv.seller.address?.country, 'the seller country code (BT-40)');
  if (depth >= 1) {
    if (!inv.hasBuyerAddress) fail('BR-10', 'header', 'the buyer postal address (BG-8) is missing');
    need('BR-11', inv.buyer.address?.country, 'the buyer country code (BT-55)');
    need('BR-12', t.lineTotal, 'the sum of invoice line net amounts (BT-106)');
  }
  need('BR-13', t.taxBasis, 'the invoice total without VAT (BT-109)');
  need('BR-14', t.grandTotal, 'the invoice total with VAT (BT-112)');
  need('BR-15', t.duePayable, 'the amount due for payment (BT-115)');
  if (depth === 2 && inv.lines.length === 0) fail('BR-16', 'header', 'the invoice has no line (BG-25)');

  // BR-DEC: amounts carry at most two decimals (what makes the sums below exact in cents).
  const dec = (rule: string, location: string, term: string, s: string | undefined) => {
    if (s !== undefined && DECIMAL.test(s.trim()) && /\.\d{3,}$/.test(s.trim()))
      fail(rule, location, `${term} ${s} has more than two decimals`);
  };
  dec('BR-DEC-09', 'header', 'the sum of line net amounts (BT-106)', t.lineTotal);
  dec('BR-DEC-10', 'header', 'the sum of allowances (BT-107)', t.allowanceTotal);
  dec('BR-DEC-11', 'header', 'the sum of charges (BT-108)', t.chargeTotal);
  dec('BR-DEC-12', 'header', 'the total without VAT (BT-109)', t.taxBasis);
  dec('BR-DEC-13', 'header', 'the total VAT (BT-110)', t.taxTotal);
  dec('BR-DEC-14', 'header', 'the total with VAT (BT-112)', t.grandTotal);
  dec('BR-DEC-16', 'header', 'the paid amount (BT-113)', t.prepaid);
  dec('BR-DEC-17', 'header', 'the rounding amount (BT-114)', t.rounding);
  dec('BR-DEC-18', 'header', 'the amount due (BT-115)', t.duePayable);
  const acLabel = (a: CiiAllowanceCharge, i: number) => `${a.charge ? 'charge' : 'allowance'} ${i + 1}`;
  inv.allowancesCharges.forEach((a, i) =>
    dec(a.charge ? 'BR-DEC-05' : 'BR-DEC-01', acLabel(a, i), `the ${a.charge ? 'charge' : 'allowance'} amount`, a.amount),
  );
  inv.vat.forEach((v) => {
    const where = `VAT breakdown ${v.category ?? '?'} ${v.rate ?? ''}`.trim();
    dec('BR-DEC-19', where, 'the VAT category taxable amount (BT-116)', v.basis);
    dec('BR-DEC-20', where, 'the VAT category tax amount (BT-117)', v.tax);
  });
  inv.lines.forEach((l, i) => dec('BR-DEC-23', `line ${i + 1}`, 'the line net amount (BT-131)', l.net));

  // Arithmetic (BR-CO). An absent optional total counts as zero, as the Schematron's sums do.
  const sum = (xs: (string | undefined)[]) => xs.reduce((s, x) => s + (cents(x) ?? 0), 0);
  const allowances = inv.allowancesCharges.filter((a) => !a.charge);
  const charges = inv.allowancesCharges.filter((a) => a.charge);
  const eq = (rule: string, stated: string | undefined, expected: number, what: string, how: string) => {
    const c = cents(stated);
    if (c !== undefined && c !== expected) fail(rule, 'header', `${what} is ${stated}, ${how} makes ${show(expected)}`);
  };
  if (depth === 2 && inv.lines.length > 0) {
    eq('BR-CO-10', t.lineTotal, sum(inv.lines.map((l) => l.net)), 'the sum of line net amounts (BT-106)', 'the lines (BT-131)');
  }
  if (depth >= 1) {
    if (allowances.length > 0 || t.allowanceTotal !== undefined)
      eq(
        'BR-CO-11',
        t.allowanceTotal ?? '0',
        sum(allowances.map((a) => a.amount)),
        'the sum of allowances (BT-107)',
        'the allowances (BT-92)',
      );
    if (charges.length > 0 || t.chargeTotal !== undefined)
      eq('BR-CO-12', t.chargeTotal ?? '0', sum(charges.map((a) => a.amount)), 'the sum of charges (BT-108)', 'the charges (BT-99)');
    if (t.lineTotal !== undefined) {
      const expected = (cents(t.lineTotal) ?? 0) - (cents(t.allowanceTotal) ?? 0) + (cents(t.chargeTotal) ?? 0);
      eq('BR-CO-13', t.taxBasis, expected, 'the total without VAT (BT-109)', 'BT-106 − BT-107 + BT-108');
    }
    eq('BR-CO-14', t.taxTotal ?? '0', sum(inv.vat.map((v) => v.tax)), 'the total VAT (BT-110)', 'the VAT breakdown (BT-117)');
    if (inv.vat.length === 0) fail('BR-CO-18', 'header', 'the invoice has no VAT breakdown (BG-23)');
  }
  if (cents(t.taxBasis) !== undefined)
    eq('BR-CO-15', t.grandTotal, (cents(t.taxBasis) ?? 0) + (cents(t.taxTotal) ?? 0), 'the total with VAT (BT-112)', 'BT-109 + BT-110');
  if (cents(t.grandTotal) !== undefined)
    eq(
      'BR-CO-16',
      t.duePayable,
      (cents(t.grandTotal) ?? 0) - (cents(t.prepaid) ?? 0) + (cents(t.rounding) ?? 0),
      'the amount due (BT-115)',
      'BT-112 − BT-113 + BT-114',
    );
  if (depth >= 1 && (cents(t.duePayable) ?? 0) > 0 && !inv.dueDate && !inv.payment.terms) {
    fail('BR-CO-25', 'header', 'an amount is due (BT-115 > 0) but neither a due date (BT-9) nor payment terms (BT-20) are given');
  }
  for (const v of inv.vat) {
    const where = `VAT breakdown ${v.category ?? '?'} ${v.rate ?? ''}`.trim();
    const basis = cents(v.basis);
    const rate = rateOf(v.rate);
    if (basis !== undefined && rate !== undefined && cents(v.tax) !== undefined) {
      const expected = Math.sign(basis * rate) * Math.round(Math.abs(basis * rate) / 100 + 1e-9);
      if (cents(v.tax) !== expected)
        fail('BR-CO-17', where, `the VAT category tax amount (BT-117) is ${v.tax}, ${v.basis} × ${v.rate}% makes ${show(expected)}`);
    }
  }

  // VAT categories.
  if (depth === 2) {
    inv.lines.forEach((l, i) => {
      const family = l.vatCategory ? FAMILY[l.vatCategory] : undefined;
      const rate = rateOf(l.vatRate);
      if (!family) return;
      if (family === 'S' && !(rate !== undefined && rate > 0))
        fail(
          'BR-S-05',
          `line ${i + 1}`,
          `a standard-rated line (category S) has VAT rate ${l.vatRate ?? 'none'}; it must be greater than 0`,
        );
      if (family !== 'S' && rate !== 0)
        fail(`BR-${family}-05`, `line ${i + 1}`, `a line of category ${l.vatCategory} has VAT rate ${l.vatRate ?? 'none'}; it must be 0`);
    });
  }
  inv.allowancesCharges.forEach((a, i) => {
    const family = a.vatCategory ? FAMILY[a.vatCategory] : undefined;
    const rate = rateOf(a.vatRate);
    if (!family) return;
    const n = a.charge ? '07' : '06';
    if (family === 'S' && !(rate !== undefined && rate > 0))
      fail(
        `BR-S-${n}`,
        acLabel(a, i),
        `a standard-rated ${a.charge ? 'charge' : 'allowance'} has VAT rate ${a.vatRate ?? 'none'}; it must be greater than 0`,
      );
    if (family !== 'S' && rate !== 0)
      fail(
        `BR-${family}-${n}`,
        acLabel(a, i),
        `a ${a.charge ? 'charge' : 'allowance'} of category ${a.vatCategory} has VAT rate ${a.vatRate ?? 'none'}; it must be 0`,
      );
  });
  if (depth >= 1) {
    const used = new Set(
      [...(depth === 2 ? inv.lines.map((l) => l.vatCategory) : []), ...inv.allowancesCharges.map((a) => a.vatCategory)].filter(
        (c): c is string => c !== undefined && FAMILY[c] !== undefined,
      ),
    );
    for (const c of used) {
      if (!inv.vat.some((v) => v.category === c))
        fail(`BR-${FAMILY[c]}-01`, 'header', `category ${c} is used but the VAT breakdown has no ${c} entry`);
    }
    if (depth === 2 && inv.lines.some((l) => l.vatCategory === 'S') && !inv.seller.vatId && !inv.seller.taxRegistrationId) {
      fail('BR-S-02', 'header', 'a line is standard rated but the seller has no VAT identifier (BT-31) or tax registration (BT-32)');
    }
    for (const v of inv.vat) {
      const family = v.category ? FAMILY[v.category] : undefined;
      if (!family) continue;
      const where = `VAT breakdown ${v.category} ${v.rate ?? ''}`.trim();
      const reason = v.exemptionReason ?? v.exemptionReasonCode;
      if ((family === 'S' || family === 'Z') && reason)
        fail(`BR-${family}-10`, where, `a category ${v.category} breakdown must not have a VAT exemption reason (BT-120/121)`);
      if (family !== 'S' && family !== 'Z' && !reason)
        fail(`BR-${family}-10`, where, `a category ${v.category} breakdown needs a VAT exemption reason text or code (BT-120/121)`);
      if (family !== 'S' && cents(v.tax) !== undefined && cents(v.tax) !== 0)
        fail(`BR-${family}-09`, where, `a category ${v.category} breakdown has VAT amount ${v.tax}; it must be 0`);
      if (depth === 2) {
        const match = (cat: string | undefined, rate: string | undefined) =>
          cat === v.category && (family !== 'S' || sameRate(rate, v.rate));
        const expected =
          sum(inv.lines.filter((l) => match(l.vatCategory, l.vatRate)).map((l) => l.net)) -
          sum(allowances.filter((a) => match(a.vatCategory, a.vatRate)).map((a) => a.amount)) +
          sum(charges.filter((a) => match(a.vatCategory, a.vatRate)).map((a) => a.amount));
        const basis = cents(v.basis);
        if (basis !== undefined && basis !== expected)
          fail(
            `BR-${family}-08`,
            where,
            `the taxable amount (BT-116) is ${v.basis}, the lines, allowances and charges of this category${family === 'S' ? ' and rate' : ''} make ${show(expected)}`,
          );
      }
    }
  }
  return out;
}
