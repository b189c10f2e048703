import { embedFacturX, type PDFDocument } from '@cantoo/pdf-lib';
import { PdfError } from '../errors.js';
import { lineNet, parseInvoice, type Invoice, type InvoiceTotals } from './invoice.js';

/**
 * Factur-X 1.0 / ZUGFeRD 2.x, profile EN 16931: the UN/CEFACT CII D16B XML of the invoice.
 *
 * Hand-written on purpose: the profile's subset is a fixed tree of ~60 elements, and the
 * libraries that generate it either take a UBL-shaped document (@e-invoice-eu/core, which also
 * brings a spreadsheet stack) or are early work in progress. The element order follows the
 * Factur-X 1.07.3 EN16931 XSD, which the tests validate every generated file against.
 */

export const FACTURX_FILE_NAME = 'factur-x.xml';
const GUIDELINE_EN16931 = 'urn:cen.eu:en16931:2017';

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
const money = (n: number): string => n.toFixed(2);
/** Quantities and unit prices keep up to 4 decimals (CII allows more; EN 16931 needs no fewer). */
const decimal = (n: number): string => String(Number(n.toFixed(4)));
const date102 = (iso: string): string => `<udt:DateTimeString format="102">${iso.replaceAll('-', '')}</udt:DateTimeString>`;
const el = (tag: string, value: string | undefined, attrs = ''): string =>
  value === undefined ? '' : `<ram:${tag}${attrs}>${esc(value)}</ram:${tag}>`;

function party(tag: string, p: Invoice['seller'] | Invoice['buyer']): string {
  const a = p.address;
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

export function buildCiiXml(inv: Invoice, totals: InvoiceTotals): string {
  const pay = inv.payment;
  const exempt = (category: string) => (category === 'S' || category === 'Z' ? undefined : inv.vatExemptionReason);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"' +
    ' xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100"' +
    ' xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"' +
    ' xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">' +
    `<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>${el('ID', GUIDELINE_EN16931)}</ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>` +
    '<rsm:ExchangedDocument>' +
    el('ID', inv.number) +
    el('TypeCode', inv.typeCode) +
    `<ram:IssueDateTime>${date102(inv.issueDate)}</ram:IssueDateTime>` +
    (inv.note ? `<ram:IncludedNote>${el('Content', inv.note)}</ram:IncludedNote>` : '') +
    '</rsm:ExchangedDocument>' +
    '<rsm:SupplyChainTradeTransaction>' +
    inv.lines.map(lineItem).join('') +
    '<ram:ApplicableHeaderTradeAgreement>' +
    el('BuyerReference', inv.buyerReference) +
    party('SellerTradeParty', inv.seller) +
    party('BuyerTradeParty', inv.buyer) +
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
    totals.vat
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
    (inv.dueDate || pay?.terms
      ? '<ram:SpecifiedTradePaymentTerms>' +
        el('Description', pay?.terms) +
        (inv.dueDate ? `<ram:DueDateDateTime>${date102(inv.dueDate)}</ram:DueDateDateTime>` : '') +
        '</ram:SpecifiedTradePaymentTerms>'
      : '') +
    '<ram:SpecifiedTradeSettlementHeaderMonetarySummation>' +
    el('LineTotalAmount', money(totals.lineTotal)) +
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

/** The payload the fields are drawn from: its invoice's totals are the computed ones. */
export function withInvoiceTotals(payload: Record<string, unknown>, key: string): Record<string, unknown> {
  const { totals } = invoiceFromPayload(payload, key);
  const raw = payload[key] as Record<string, unknown>;
  return { ...payload, [key]: { ...raw, totals: { ...totals } } };
}

export async function embedInvoice(doc: PDFDocument, xml: string): Promise<void> {
  await embedFacturX(doc, new TextEncoder().encode(xml), {
    fileName: FACTURX_FILE_NAME,
    conformanceLevel: 'EN 16931',
    description: 'Factur-X invoice (EN 16931)',
  });
}
