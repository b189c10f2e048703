import type { FieldInput } from '@/shared/domain/field.js';

/**
 * The invoice template the output API tests generate through: the invoice base's labels
 * (tests/pdf/output/support.ts invoiceBase) with fields bound to the payload's invoice, totals
 * included — so the visible amounts are the ones the engine computes for the XML.
 */
const money = { number: { decimals: 2, locale: 'en-US' } };
const text = (name: string, bindingKey: string, y: number, advanced = {}): FieldInput =>
  ({
    name,
    type: advanced === money ? 'number' : 'text',
    page: 1,
    position: { x: 150, y },
    size: { width: 200, height: 20 },
    bindingKey,
    advanced,
  }) as FieldInput;

export const INVOICE_FIELDS: FieldInput[] = [
  text('Number', 'invoice.number', 100),
  text('Customer', 'invoice.buyer.name', 130),
  text('Net', 'invoice.totals.lineTotal', 190, money),
  text('VAT', 'invoice.totals.taxTotal', 210, money),
  text('Total', 'invoice.totals.grandTotal', 230, money),
];
