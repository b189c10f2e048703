import { z } from 'zod';

/**
 * The structured invoice a payload carries (by default under `invoice`) when Factur-X is on.
 * Totals are computed here, once, from the lines: the same numbers are drawn on the page (the
 * template binds `invoice.totals.*`) and written to the XML, so the two cannot disagree.
 */

const isoDate = z.iso.date();
const amount = z.number().finite();

export const addressSchema = z.object({
  line1: z.string().min(1).max(200),
  line2: z.string().max(200).optional(),
  postcode: z.string().min(1).max(20),
  city: z.string().min(1).max(100),
  /** ISO 3166-1 alpha-2. */
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as FR'),
});

export const partySchema = z.object({
  name: z.string().min(1).max(200),
  /** VAT identifier with its country prefix (BT-31 / BT-48). */
  vatId: z.string().min(3).max(30).optional(),
  /** Legal registration identifier (SIRET, HRB, …; BT-30 / BT-47). */
  legalId: z.string().max(50).optional(),
  email: z.email().optional(),
  address: addressSchema,
});

/** UNTDID 5305 VAT categories supported: standard, zero, exempt, reverse charge, intra-EU, export. */
export const VAT_CATEGORIES = ['S', 'Z', 'E', 'AE', 'K', 'G'] as const;

export const invoiceLineSchema = z.object({
  id: z.string().max(50).optional(),
  name: z.string().min(1).max(500),
  quantity: amount.positive(),
  /** UN/ECE rec. 20 unit code; C62 = one (piece). */
  unitCode: z
    .string()
    .regex(/^[A-Z0-9]{2,3}$/)
    .default('C62'),
  unitPrice: amount.nonnegative(),
  vatRate: z.number().min(0).max(100),
  vatCategory: z.enum(VAT_CATEGORIES).default('S'),
});

export const invoiceTotalsSchema = z.object({
  lineTotal: z.number(),
  taxBasis: z.number(),
  taxTotal: z.number(),
  grandTotal: z.number(),
  duePayable: z.number(),
  vat: z.array(z.object({ category: z.string(), rate: z.number(), basis: z.number(), tax: z.number() })),
});
export type InvoiceTotals = z.infer<typeof invoiceTotalsSchema>;

export const invoiceSchema = z.object({
  number: z.string().min(1).max(100),
  /** UNTDID 1001: 380 commercial invoice, 381 credit note, 384 corrected, 389 self-billed. */
  typeCode: z.enum(['380', '381', '384', '389']).default('380'),
  issueDate: isoDate,
  dueDate: isoDate.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as EUR'),
  buyerReference: z.string().max(200).optional(),
  orderReference: z.string().max(200).optional(),
  note: z.string().max(5000).optional(),
  /** Why VAT is not charged, required for categories other than S and Z (BR-E-10, BR-AE-10, …; checked on the XML, en16931-rules.ts). */
  vatExemptionReason: z.string().max(500).optional(),
  seller: partySchema.extend({ vatId: z.string().min(3).max(30) }),
  buyer: partySchema,
  payment: z
    .object({
      /** UNTDID 4461: 58 SEPA credit transfer, 30 credit transfer, 48 card, 10 cash. */
      meansCode: z
        .string()
        .regex(/^\d{1,3}$/)
        .default('58'),
      iban: z
        .string()
        .regex(/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/, 'an IBAN without spaces')
        .optional(),
      bic: z
        .string()
        .regex(/^[A-Z0-9]{8}([A-Z0-9]{3})?$/)
        .optional(),
      reference: z.string().max(140).optional(),
      terms: z.string().max(500).optional(),
    })
    .optional(),
  lines: z.array(invoiceLineSchema).min(1).max(10_000),
  /** Computed; when the payload gives them, they must equal the computed ones. */
  totals: invoiceTotalsSchema.partial().optional(),
});
export type Invoice = z.output<typeof invoiceSchema>;

/** Round half away from zero to cents; the epsilon absorbs binary representation (1.005 → 1.01). */
export function cents(x: number): number {
  return (Math.sign(x) * Math.round(Math.abs(x) * 100 + 1e-9)) / 100;
}

export function lineNet(line: Invoice['lines'][number]): number {
  return cents(line.quantity * line.unitPrice);
}

export function computeTotals(inv: Invoice): InvoiceTotals {
  const groups = new Map<string, { category: string; rate: number; basis: number }>();
  let lineTotal = 0;
  for (const line of inv.lines) {
    const net = lineNet(line);
    lineTotal = cents(lineTotal + net);
    const key = `${line.vatCategory}:${line.vatRate}`;
    const g = groups.get(key) ?? { category: line.vatCategory, rate: line.vatRate, basis: 0 };
    g.basis = cents(g.basis + net);
    groups.set(key, g);
  }
  // VAT is computed per category and rate on the summed basis (EN 16931 BR-CO-17), not per line.
  const vat = [...groups.values()].map((g) => ({ ...g, tax: cents((g.basis * g.rate) / 100) }));
  const taxTotal = cents(vat.reduce((s, g) => s + g.tax, 0));
  const grandTotal = cents(lineTotal + taxTotal);
  return { lineTotal, taxBasis: lineTotal, taxTotal, grandTotal, duePayable: grandTotal, vat };
}

export interface InvoiceIssue {
  path: string;
  message: string;
}

/** Parse the payload's invoice; totals it states must match the computed ones to the cent. */
export function parseInvoice(raw: unknown): { invoice: Invoice; totals: InvoiceTotals } | { issues: InvoiceIssue[] } {
  const parsed = invoiceSchema.safeParse(raw);
  if (!parsed.success) return { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  const totals = computeTotals(parsed.data);
  const issues: InvoiceIssue[] = [];
  for (const k of ['lineTotal', 'taxBasis', 'taxTotal', 'grandTotal', 'duePayable'] as const) {
    const given = parsed.data.totals?.[k];
    if (given !== undefined && cents(given) !== totals[k]) {
      issues.push({ path: `totals.${k}`, message: `is ${given}, the lines make ${totals[k]}` });
    }
  }
  return issues.length > 0 ? { issues } : { invoice: parsed.data, totals };
}
