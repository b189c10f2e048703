import { embedFacturX, type PDFDocument } from '@cantoo/pdf-lib';
import type { FacturxOptions, FacturxProfile } from '@/shared/domain/output.js';
import { PdfError } from '../errors.js';
import { CiiReadError, ciiView, readCii, type CiiInvoice } from './cii-read.js';
import { schemaIssues } from './cii-schema.js';
import { en16931Violations } from './en16931-rules.js';
import { lineNet, parseInvoice, type Invoice, type InvoiceTotals } from './invoice.js';

/**
 * Factur-X 1.0 / ZUGFeRD 2.x, profiles MINIMUM, BASIC WL, BASIC, EN 16931 and EXTENDED: the
 * UN/CEFACT CII D16B XML of the invoice. The profiles nest: MINIMUM carries the header and the
 * totals only, BASIC WL adds addresses, payment and the VAT breakdown, BASIC adds the lines;
 * EN 16931 is the full tree we write, which EXTENDED accepts unchanged (only its guideline differs).
 *
 * Hand-written on purpose: the profile's subset is a fixed tree of ~60 elements, and the
 * libraries that generate it either take a UBL-shaped document (@e-invoice-eu/core, which also
 * brings a spreadsheet stack) or are early work in progress. The element order follows the
 * Factur-X 1.07.3 EN16931 XSD, which the tests validate every generated file against.
 */

export const FACTURX_FILE_NAME = 'factur-x.xml';
/** BT-24, the specification identifier of each profile (Factur-X 1.07 §7.2). */
const GUIDELINES: Record<FacturxProfile, string> = {
  MINIMUM: 'urn:factur-x.eu:1p0:minimum',
  'BASIC WL': 'urn:factur-x.eu:1p0:basicwl',
  BASIC: 'urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic',
  'EN 16931': 'urn:cen.eu:en16931:2017',
  EXTENDED: 'urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended',
};
/** How much of the tree a profile carries: 0 header and totals, 1 + details, 2 + lines. */
const DEPTH: Record<FacturxProfile, 0 | 1 | 2> = { MINIMUM: 0, 'BASIC WL': 1, BASIC: 2, 'EN 16931': 2, EXTENDED: 2 };

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
const money = (n: number): string => n.toFixed(2);
/** Quantities and unit prices keep up to 4 decimals (CII allows more; EN 16931 needs no fewer). */
const decimal = (n: number): string => String(Number(n.toFixed(4)));
const date102 = (iso: string): string => `<udt:DateTimeString format="102">${iso.replaceAll('-', '')}</udt:DateTimeString>`;
const el = (tag: string, value: string | undefined, attrs = ''): string =>
  value === undefined ? '' : `<ram:${tag}${attrs}>${esc(value)}</ram:${tag}>`;

function party(tag: string, p: Invoice['seller'] | Invoice['buyer'], minimum: boolean): string {
  const a = p.address;
  if (minimum) {
    // MINIMUM: name, legal id, the seller's country and VAT id; the buyer's name and legal id.
    const seller = tag === 'SellerTradeParty';
    return (
      `<ram:${tag}>` +
      el('Name', p.name) +
      (p.legalId ? `<ram:SpecifiedLegalOrganization>${el('ID', p.legalId)}</ram:SpecifiedLegalOrganization>` : '') +
      (seller ? `<ram:PostalTradeAddress>${el('CountryID', a.country)}</ram:PostalTradeAddress>` : '') +
      (seller && p.vatId ? `<ram:SpecifiedTaxRegistration>${el('ID', p.vatId, ' schemeID="VA"')}</ram:SpecifiedTaxRegistration>` : '') +
      `</ram:${tag}>`
    );
  }
  return (
    `<ram:${tag}>` +
    el('Name', p.name) +
    (p.legalId ? `<ram:SpecifiedLegalOrganization>${el('ID', p.legalId)}</ram:SpecifiedLegalOrganization>` : '') +
    '<ram:PostalTradeAddress>' +
    el('PostcodeCode', a.postcode) +
    el('LineOne', a.line1) +
    el('LineTwo', a.line2) +
    el('CityName', a.city) +
    el('CountryID', a.country) +
    '</ram:PostalTradeAddress>' +
    (p.email ? `<ram:URIUniversalCommunication>${el('URIID', p.email, ' schemeID="EM"')}</ram:URIUniversalCommunication>` : '') +
    (p.vatId ? `<ram:SpecifiedTaxRegistration>${el('ID', p.vatId, ' schemeID="VA"')}</ram:SpecifiedTaxRegistration>` : '') +
    `</ram:${tag}>`
  );
}

function lineItem(line: Invoice['lines'][number], index: number): string {
  return (
    '<ram:IncludedSupplyChainTradeLineItem>' +
    `<ram:AssociatedDocumentLineDocument>${el('LineID', line.id ?? String(index + 1))}</ram:AssociatedDocumentLineDocument>` +
    `<ram:SpecifiedTradeProduct>${el('Name', line.name)}</ram:SpecifiedTradeProduct>` +
    `<ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice>${el('ChargeAmount', decimal(line.unitPrice))}</ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>` +
    `<ram:SpecifiedLineTradeDelivery>${el('BilledQuantity', decimal(line.quantity), ` unitCode="${esc(line.unitCode)}"`)}</ram:SpecifiedLineTradeDelivery>` +
    '<ram:SpecifiedLineTradeSettlement>' +
    `<ram:ApplicableTradeTax>${el('TypeCode', 'VAT')}${el('CategoryCode', line.vatCategory)}${el('RateApplicablePercent', decimal(line.vatRate))}</ram:ApplicableTradeTax>` +
    `<ram:SpecifiedTradeSettlementLineMonetarySummation>${el('LineTotalAmount', money(lineNet(line)))}</ram:SpecifiedTradeSettlementLineMonetarySummation>` +
    '</ram:SpecifiedLineTradeSettlement>' +
    '</ram:IncludedSupplyChainTradeLineItem>'
  );
}

export function buildCiiXml(inv: Invoice, totals: InvoiceTotals, profile: FacturxProfile = 'EN 16931'): string {
  const depth = DEPTH[profile];
  const min = depth === 0;
  const pay = min ? undefined : inv.payment;
  const exempt = (category: string) => (category === 'S' || category === 'Z' ? undefined : inv.vatExemptionReason);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"' +
    ' xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100"' +
    ' xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"' +
    ' xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">' +
    `<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>${el('ID', GUIDELINES[profile])}</ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>` +
    '<rsm:ExchangedDocument>' +
    el('ID', inv.number) +
    el('TypeCode', inv.typeCode) +
    `<ram:IssueDateTime>${date102(inv.issueDate)}</ram:IssueDateTime>` +
    (inv.note && !min ? `<ram:IncludedNote>${el('Content', inv.note)}</ram:IncludedNote>` : '') +
    '</rsm:ExchangedDocument>' +
    '<rsm:SupplyChainTradeTransaction>' +
    (depth === 2 ? inv.lines.map(lineItem).join('') : '') +
    '<ram:ApplicableHeaderTradeAgreement>' +
    el('BuyerReference', inv.buyerReference) +
    party('SellerTradeParty', inv.seller, min) +
    party('BuyerTradeParty', inv.buyer, min) +
    (inv.orderReference
      ? `<ram:BuyerOrderReferencedDocument>${el('IssuerAssignedID', inv.orderReference)}</ram:BuyerOrderReferencedDocument>`
      : '') +
    '</ram:ApplicableHeaderTradeAgreement>' +
    '<ram:ApplicableHeaderTradeDelivery/>' +
    '<ram:ApplicableHeaderTradeSettlement>' +
    el('PaymentReference', pay?.reference) +
    el('InvoiceCurrencyCode', inv.currency) +
    (pay
      ? '<ram:SpecifiedTradeSettlementPaymentMeans>' +
        el('TypeCode', pay.meansCode) +
        (pay.iban ? `<ram:PayeePartyCreditorFinancialAccount>${el('IBANID', pay.iban)}</ram:PayeePartyCreditorFinancialAccount>` : '') +
        (pay.bic
          ? `<ram:PayeeSpecifiedCreditorFinancialInstitution>${el('BICID', pay.bic)}</ram:PayeeSpecifiedCreditorFinancialInstitution>`
          : '') +
        '</ram:SpecifiedTradeSettlementPaymentMeans>'
      : '') +
    (min ? [] : totals.vat)
      .map(
        (g) =>
          '<ram:ApplicableTradeTax>' +
          el('CalculatedAmount', money(g.tax)) +
          el('TypeCode', 'VAT') +
          el('ExemptionReason', exempt(g.category)) +
          el('BasisAmount', money(g.basis)) +
          el('CategoryCode', g.category) +
          el('RateApplicablePercent', decimal(g.rate)) +
          '</ram:ApplicableTradeTax>',
      )
      .join('') +
    (!min && (inv.dueDate || pay?.terms)
      ? '<ram:SpecifiedTradePaymentTerms>' +
        el('Description', pay?.terms) +
        (inv.dueDate ? `<ram:DueDateDateTime>${date102(inv.dueDate)}</ram:DueDateDateTime>` : '') +
        '</ram:SpecifiedTradePaymentTerms>'
      : '') +
    '<ram:SpecifiedTradeSettlementHeaderMonetarySummation>' +
    (min ? '' : el('LineTotalAmount', money(totals.lineTotal))) +
    el('TaxBasisTotalAmount', money(totals.taxBasis)) +
    el('TaxTotalAmount', money(totals.taxTotal), ` currencyID="${esc(inv.currency)}"`) +
    el('GrandTotalAmount', money(totals.grandTotal)) +
    el('DuePayableAmount', money(totals.duePayable)) +
    '</ram:SpecifiedTradeSettlementHeaderMonetarySummation>' +
    '</ram:ApplicableHeaderTradeSettlement>' +
    '</rsm:SupplyChainTradeTransaction>' +
    '</rsm:CrossIndustryInvoice>\n'
  );
}

/** The payload's invoice with its computed totals, or invoice_invalid listing every problem. */
export function invoiceFromPayload(payload: Record<string, unknown>, key: string): { invoice: Invoice; totals: InvoiceTotals } {
  const result = parseInvoice(payload[key]);
  if ('issues' in result) {
    throw new PdfError('invoice_invalid', `The payload's "${key}" is not a valid EN 16931 invoice`, {
      errors: result.issues.map((i) => ({ path: i.path ? `${key}.${i.path}` : key, code: 'invalid', message: i.message })),
    });
  }
  return result;
}

/**
 * Every check a Factur-X invoice goes through, the same for XML we wrote and XML a caller posted:
 * well-formed CII (cii-read.ts), the guideline (BT-24) of the profile asked for, the profile's
 * XSD (cii-schema.ts), and the EN 16931 rules we implement (en16931-rules.ts). Returns what was read.
 */
export function checkCiiXml(xml: string, profile: FacturxProfile, origin: string): CiiInvoice {
  let cii: CiiInvoice;
  try {
    cii = readCii(xml);
  } catch (err) {
    if (!(err instanceof CiiReadError)) throw err;
    throw new PdfError('invoice_xml_invalid', `${origin} is not a CII invoice: ${err.message}`, {
      errors: [{ path: err.line !== undefined ? `line ${err.line}` : '/', code: 'not_cii', message: err.message }],
    });
  }
  const expected = GUIDELINES[profile];
  if (cii.guideline !== expected) {
    const found = (Object.keys(GUIDELINES) as FacturxProfile[]).find((p) => GUIDELINES[p] === cii.guideline);
    throw new PdfError(
      'invoice_profile_mismatch',
      `${origin} names guideline ${cii.guideline ?? '(none)'}${found ? ` (Factur-X ${found})` : ''}; the output asks for Factur-X ${profile}, ${expected}`,
      { profile, expected, found: cii.guideline ?? null, ...(found ? { foundProfile: found } : {}) },
    );
  }
  const schema = schemaIssues(xml, profile);
  if (schema.length > 0) {
    throw new PdfError(
      'invoice_xml_invalid',
      `${origin} does not validate against the Factur-X 1.07.3 ${profile} XSD: ${schema[0]!.message}`,
      { errors: schema },
    );
  }
  const rules = en16931Violations(cii, profile);
  if (rules.length > 0) {
    const ids = [...new Set(rules.map((r) => r.rule))];
    throw new PdfError('invoice_rules_violated', `${origin} breaks EN 16931 rule(s) ${ids.join(', ')}: ${rules[0]!.message}`, {
      rules,
    });
  }
  return cii;
}

export interface PreparedInvoice {
  /** The payload the fields are drawn from: its invoice key holds the invoice with the XML's numbers. */
  payload: Record<string, unknown>;
  /** What is embedded as factur-x.xml: the posted string itself, or the XML we wrote. */
  xml: string;
}

/**
 * The payload's invoice key holds either the invoice object (we write its XML, totals computed
 * once from the lines) or a CII XML string (embedded as posted; its values are shown). Both are
 * checked the same way before anything is drawn, and the fields see the same numbers as the XML.
 */
export function prepareInvoice(payload: Record<string, unknown>, o: FacturxOptions): PreparedInvoice {
  const key = o.invoiceKey;
  const raw = payload[key];
  if (typeof raw === 'string') {
    const cii = checkCiiXml(raw, o.profile, `The payload's "${key}" XML`);
    return { payload: { ...payload, [key]: ciiView(cii) }, xml: raw };
  }
  const { invoice, totals } = invoiceFromPayload(payload, key);
  const xml = buildCiiXml(invoice, totals, o.profile);
  checkCiiXml(xml, o.profile, `The invoice XML written from the payload's "${key}"`);
  return { payload: { ...payload, [key]: { ...(raw as Record<string, unknown>), totals: { ...totals } } }, xml };
}

export async function embedInvoice(doc: PDFDocument, xml: string, profile: FacturxProfile = 'EN 16931'): Promise<void> {
  await embedFacturX(doc, new TextEncoder().encode(xml), {
    fileName: FACTURX_FILE_NAME,
    conformanceLevel: profile,
    description: `Factur-X invoice (${profile})`,
  });
}
