import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Reads a UN/CEFACT CII invoice (Factur-X / ZUGFeRD / XRechnung CII) into the business terms we
 * check and show: one reader for the XML we write and for XML a caller posts, so both go through
 * the same rules (en16931-rules.ts) and the page shows what the XML says.
 *
 * Amounts stay the XML's text here (the rules check their decimals and add them in cents);
 * `ciiView` turns them into numbers for the template's fields.
 */

export const CII_NAMESPACE = 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100';
/** Posted XML above this is refused before parsing (a thousand-line invoice is ~1 MB). */
export const MAX_INVOICE_XML_CHARS = 10_000_000;

export interface CiiParty {
  name?: string;
  legalId?: string;
  email?: string;
  /** BT-31 / BT-48 (schemeID VA). */
  vatId?: string;
  /** BT-32 (schemeID FC). */
  taxRegistrationId?: string;
  address?: { line1?: string; line2?: string; postcode?: string; city?: string; country?: string };
}

export interface CiiLine {
  id?: string;
  name?: string;
  quantity?: string;
  unitCode?: string;
  unitPrice?: string;
  vatCategory?: string;
  vatRate?: string;
  /** BT-131. */
  net?: string;
}

export interface CiiVatBreakdown {
  category?: string;
  rate?: string;
  /** BT-116. */
  basis?: string;
  /** BT-117. */
  tax?: string;
  exemptionReason?: string;
  exemptionReasonCode?: string;
}

/** A document-level allowance (BG-20) or charge (BG-21). */
export interface CiiAllowanceCharge {
  charge: boolean;
  amount?: string;
  vatCategory?: string;
  vatRate?: string;
}

export interface CiiInvoice {
  /** BT-24. */
  guideline?: string;
  number?: string;
  typeCode?: string;
  /** ISO dates (format 102 read as YYYY-MM-DD; other formats kept as written). */
  issueDate?: string;
  dueDate?: string;
  currency?: string;
  buyerReference?: string;
  orderReference?: string;
  note?: string;
  seller: CiiParty;
  buyer: CiiParty;
  hasSellerAddress: boolean;
  hasBuyerAddress: boolean;
  payment: { meansCode?: string; iban?: string; bic?: string; reference?: string; terms?: string };
  lines: CiiLine[];
  vat: CiiVatBreakdown[];
  allowancesCharges: CiiAllowanceCharge[];
  totals: {
    lineTotal?: string;
    allowanceTotal?: string;
    chargeTotal?: string;
    taxBasis?: string;
    /** BT-110: the TaxTotalAmount in the invoice currency. */
    taxTotal?: string;
    rounding?: string;
    grandTotal?: string;
    prepaid?: string;
    duePayable?: string;
  };
}

export class CiiReadError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

type Node = Record<string, unknown>;

const ARRAYS = new Set([
  'IncludedSupplyChainTradeLineItem',
  'ApplicableTradeTax',
  'SpecifiedTradeAllowanceCharge',
  'SpecifiedTradePaymentTerms',
  'SpecifiedTradeSettlementPaymentMeans',
  'IncludedNote',
  'SpecifiedTaxRegistration',
  'TaxTotalAmount',
  'URIUniversalCommunication',
]);
const local = (name: string): string => name.slice(name.indexOf(':') + 1);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ARRAYS.has(local(name)),
});

/** Element names without their prefix (the root's namespace is checked before this). */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  const out: Node = {};
  for (const [k, v] of Object.entries(value as Node)) out[k.startsWith('@') ? `@${local(k.slice(1))}` : local(k)] = strip(v);
  return out;
}

function at(node: unknown, ...path: string[]): unknown {
  let cur = node;
  for (const p of path) {
    if (Array.isArray(cur)) cur = cur[0];
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Node)[p];
  }
  return Array.isArray(cur) ? cur[0] : cur;
}
function text(node: unknown, ...path: string[]): string | undefined {
  const v = at(node, ...path);
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (v && typeof v === 'object' && typeof (v as Node)['#text'] === 'string') return (v as Node)['#text'] as string;
  return undefined;
}
function attr(node: unknown, name: string, ...path: string[]): string | undefined {
  const v = at(node, ...path);
  return v && typeof v === 'object' && typeof (v as Node)[`@${name}`] === 'string' ? ((v as Node)[`@${name}`] as string) : undefined;
}
function list(node: unknown, ...path: string[]): Node[] {
  const parent = at(node, ...path.slice(0, -1));
  const v = parent && typeof parent === 'object' ? (parent as Node)[path[path.length - 1]!] : undefined;
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (x && typeof x === 'object' ? (x as Node) : { '#text': x }));
}
function date(node: unknown, ...path: string[]): string | undefined {
  const v = at(node, ...path, 'DateTimeString');
  const s = text(v);
  const format = attr(node, 'format', ...path, 'DateTimeString');
  return s && format === '102' && /^\d{8}$/.test(s) ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}` : s;
}

function party(p: unknown): CiiParty {
  const regs = list(p, 'SpecifiedTaxRegistration');
  const reg = (scheme: string) => regs.map((r) => r.ID).find((id) => attr({ ID: id }, 'schemeID', 'ID') === scheme);
  const addr = at(p, 'PostalTradeAddress');
  return {
    name: text(p, 'Name'),
    legalId: text(p, 'SpecifiedLegalOrganization', 'ID'),
    email: text(p, 'URIUniversalCommunication', 'URIID'),
    vatId: text(reg('VA')),
    taxRegistrationId: text(reg('FC')),
    ...(addr === undefined
      ? {}
      : {
          address: {
            line1: text(addr, 'LineOne'),
            line2: text(addr, 'LineTwo'),
            postcode: text(addr, 'PostcodeCode'),
            city: text(addr, 'CityName'),
            country: text(addr, 'CountryID'),
          },
        }),
  };
}

/**
 * Parse CII XML. Refused (CiiReadError): not well-formed, a DOCTYPE (no entity expansion of any
 * kind), an encoding other than UTF-8 (the file is embedded as the UTF-8 bytes of the string it
 * was posted as), or a root other than rsm:CrossIndustryInvoice in the CII D16B namespace.
 */
export function readCii(xml: string): CiiInvoice {
  if (xml.length > MAX_INVOICE_XML_CHARS) throw new CiiReadError(`the XML is longer than ${MAX_INVOICE_XML_CHARS} characters`);
  if (/<!DOCTYPE/i.test(xml)) throw new CiiReadError('a DOCTYPE is not allowed in invoice XML');
  const decl = /^\uFEFF?<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(xml);
  if (decl && decl[1]!.toUpperCase() !== 'UTF-8') throw new CiiReadError(`the XML declares encoding ${decl[1]}; only UTF-8 is accepted`);
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) throw new CiiReadError(`not well-formed XML: ${wellFormed.err.msg}`, wellFormed.err.line);
  const parsed = parser.parse(xml) as Node;
  const rootName = Object.keys(parsed).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (!rootName) throw new CiiReadError('the XML has no root element');
  const rootNode = parsed[rootName];
  const prefix = rootName.includes(':') ? rootName.slice(0, rootName.indexOf(':')) : undefined;
  const ns = rootNode && typeof rootNode === 'object' ? (rootNode as Node)[prefix ? `@xmlns:${prefix}` : '@xmlns'] : undefined;
  if (local(rootName) !== 'CrossIndustryInvoice' || ns !== CII_NAMESPACE) {
    throw new CiiReadError(
      `the root element is ${rootName}${typeof ns === 'string' ? ` in namespace ${ns}` : ''}, not rsm:CrossIndustryInvoice in ${CII_NAMESPACE}`,
    );
  }
  const root = strip(rootNode);
  const tx = at(root, 'SupplyChainTradeTransaction');
  const agreement = at(tx, 'ApplicableHeaderTradeAgreement');
  const settlement = at(tx, 'ApplicableHeaderTradeSettlement');
  const sums = at(settlement, 'SpecifiedTradeSettlementHeaderMonetarySummation');
  const currency = text(settlement, 'InvoiceCurrencyCode');
  const taxTotals = list(sums, 'TaxTotalAmount');
  const means = at(settlement, 'SpecifiedTradeSettlementPaymentMeans');
  const terms = list(settlement, 'SpecifiedTradePaymentTerms');
  const notes = list(root, 'ExchangedDocument', 'IncludedNote')
    .map((n) => text(n, 'Content'))
    .filter((n): n is string => n !== undefined);
  return {
    guideline: text(root, 'ExchangedDocumentContext', 'GuidelineSpecifiedDocumentContextParameter', 'ID'),
    number: text(root, 'ExchangedDocument', 'ID'),
    typeCode: text(root, 'ExchangedDocument', 'TypeCode'),
    issueDate: date(root, 'ExchangedDocument', 'IssueDateTime'),
    dueDate: terms.map((t) => date(t, 'DueDateDateTime')).find((d) => d !== undefined),
    currency,
    buyerReference: text(agreement, 'BuyerReference'),
    orderReference: text(agreement, 'BuyerOrderReferencedDocument', 'IssuerAssignedID'),
    note: notes.length > 0 ? notes.join('\n') : undefined,
    seller: party(at(agreement, 'SellerTradeParty')),
    buyer: party(at(agreement, 'BuyerTradeParty')),
    hasSellerAddress: at(agreement, 'SellerTradeParty', 'PostalTradeAddress') !== undefined,
    hasBuyerAddress: at(agreement, 'BuyerTradeParty', 'PostalTradeAddress') !== undefined,
    payment: {
      meansCode: text(means, 'TypeCode'),
      iban: text(means, 'PayeePartyCreditorFinancialAccount', 'IBANID'),
      bic: text(means, 'PayeeSpecifiedCreditorFinancialInstitution', 'BICID'),
      reference: text(settlement, 'PaymentReference'),
      terms: terms.map((t) => text(t, 'Description')).find((d) => d !== undefined),
    },
    lines: list(tx, 'IncludedSupplyChainTradeLineItem').map((l) => ({
      id: text(l, 'AssociatedDocumentLineDocument', 'LineID'),
      name: text(l, 'SpecifiedTradeProduct', 'Name'),
      quantity: text(l, 'SpecifiedLineTradeDelivery', 'BilledQuantity'),
      unitCode: attr(l, 'unitCode', 'SpecifiedLineTradeDelivery', 'BilledQuantity'),
      unitPrice: text(l, 'SpecifiedLineTradeAgreement', 'NetPriceProductTradePrice', 'ChargeAmount'),
      vatCategory: text(l, 'SpecifiedLineTradeSettlement', 'ApplicableTradeTax', 'CategoryCode'),
      vatRate: text(l, 'SpecifiedLineTradeSettlement', 'ApplicableTradeTax', 'RateApplicablePercent'),
      net: text(l, 'SpecifiedLineTradeSettlement', 'SpecifiedTradeSettlementLineMonetarySummation', 'LineTotalAmount'),
    })),
    vat: list(settlement, 'ApplicableTradeTax').map((t) => ({
      category: text(t, 'CategoryCode'),
      rate: text(t, 'RateApplicablePercent'),
      basis: text(t, 'BasisAmount'),
      tax: text(t, 'CalculatedAmount'),
      exemptionReason: text(t, 'ExemptionReason'),
      exemptionReasonCode: text(t, 'ExemptionReasonCode'),
    })),
    allowancesCharges: list(settlement, 'SpecifiedTradeAllowanceCharge').map((a) => ({
      charge: text(a, 'ChargeIndicator', 'Indicator') === 'true',
      amount: text(a, 'ActualAmount'),
      vatCategory: text(a, 'CategoryTradeTax', 'CategoryCode'),
      vatRate: text(a, 'CategoryTradeTax', 'RateApplicablePercent'),
    })),
    totals: {
      lineTotal: text(sums, 'LineTotalAmount'),
      allowanceTotal: text(sums, 'AllowanceTotalAmount'),
      chargeTotal: text(sums, 'ChargeTotalAmount'),
      taxBasis: text(sums, 'TaxBasisTotalAmount'),
      // BT-110 is the one in the invoice currency (BT-111, in the VAT accounting currency, may follow).
      taxTotal: text(taxTotals.find((t) => t['@currencyID'] === currency) ?? taxTotals.find((t) => t['@currencyID'] === undefined)),
      rounding: text(sums, 'RoundingAmount'),
      grandTotal: text(sums, 'GrandTotalAmount'),
      prepaid: text(sums, 'TotalPrepaidAmount'),
      duePayable: text(sums, 'DuePayableAmount'),
    },
  };
}

const num = (s: string | undefined): number | undefined => (s === undefined || Number.isNaN(Number(s)) ? undefined : Number(s));

/**
 * The invoice as the template's fields see it (under the Factur-X invoice key): the same shape as
 * the `invoice` object a payload may carry, with the totals and each line's net amount as the
 * XML states them.
 */
export function ciiView(inv: CiiInvoice): Record<string, unknown> {
  const t = inv.totals;
  return {
    number: inv.number,
    typeCode: inv.typeCode,
    issueDate: inv.issueDate,
    dueDate: inv.dueDate,
    currency: inv.currency,
    buyerReference: inv.buyerReference,
    orderReference: inv.orderReference,
    note: inv.note,
    vatExemptionReason: inv.vat.find((v) => v.exemptionReason)?.exemptionReason,
    seller: inv.seller,
    buyer: inv.buyer,
    payment: inv.payment,
    lines: inv.lines.map((l) => ({
      id: l.id,
      name: l.name,
      quantity: num(l.quantity),
      unitCode: l.unitCode,
      unitPrice: num(l.unitPrice),
      vatCategory: l.vatCategory,
      vatRate: num(l.vatRate),
      net: num(l.net),
    })),
    totals: {
      lineTotal: num(t.lineTotal),
      allowanceTotal: num(t.allowanceTotal),
      chargeTotal: num(t.chargeTotal),
      taxBasis: num(t.taxBasis),
      taxTotal: num(t.taxTotal) ?? 0,
      grandTotal: num(t.grandTotal),
      prepaid: num(t.prepaid),
      duePayable: num(t.duePayable),
      vat: inv.vat.map((v) => ({ category: v.category, rate: num(v.rate), basis: num(v.basis), tax: num(v.tax) })),
    },
  };
}
