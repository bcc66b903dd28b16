import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { importEInvoice } from '../../../imports/einvoice.js';
import { ImportFileError } from '../../../imports/records.js';
import { streamOf } from './generate.js';
import { pdfWithAttachment } from './pdf.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/imports/${name}`, import.meta.url)));

/** Reads the first element with this local name from the XML text, independently of the importer. */
function element(xml: string, localName: string): string | undefined {
  return new RegExp(`<(?:\\w+:)?${localName}\\b[^>]*>([^<]*)<`).exec(xml)?.[1]?.trim();
}

const cents = (decimal: string | undefined) => Math.round(Number(decimal) * 100);
const compactDate = (text: string) => `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;

const ciiFiles = [
  'cii_cen_business_example_01.xml',
  'cii_cen_example4.xml',
  'facturx_fnfe_Avoir_FR_type381_EN16931.xml',
  'facturx_fnfe_Facture_FR_BASICWL.xml',
  'facturx_fnfe_Facture_FR_EN16931.xml',
  'facturx_fnfe_Facture_FR_MINIMUM.xml',
  'facturx_fnfe_Facture_UE_EN16931.xml',
];
const ublFiles = ['ubl_cen_tc434_creditnote1.xml', 'ubl_cen_tc434_example2.xml', 'ubl_cen_tc434_example5.xml'];

describe('CII and Factur-X files', () => {
  it.each(ciiFiles)('reads totals of %s', async (name) => {
    const xml = fixture(name).toString('utf8');

    const result = await importEInvoice(streamOf(fixture(name)), { mode: 'all_or_nothing' });

    const invoice = result.invoices[0]!;
    expect(result.invoices).toHaveLength(1);
    expect(invoice.number).toBe(/<rsm:ExchangedDocument>\s*<ram:ID>([^<]+)</.exec(xml)?.[1]);
    expect(invoice.kind).toBe(element(xml, 'TypeCode') === '381' ? 'credit_note' : 'invoice');
    expect(invoice.currency).toBe(element(xml, 'InvoiceCurrencyCode'));
    expect(invoice.totalMinor).toBe(cents(element(xml, 'GrandTotalAmount')));
    expect(invoice.amountDueMinor).toBe(cents(element(xml, 'DuePayableAmount')));
    expect(invoice.issueDate).toBe(compactDate(/<ram:IssueDateTime>\s*<udt:DateTimeString[^>]*>(\d{8})</.exec(xml)![1]!));
    const due = /<ram:DueDateDateTime>\s*<udt:DateTimeString[^>]*>(\d{8})</.exec(xml)?.[1];
    expect(invoice.dueDate).toBe(due === undefined ? undefined : compactDate(due));
    expect(result.customers[0]!.name).toBe(/<ram:BuyerTradeParty>[\s\S]*?<ram:Name>([^<]+)</.exec(xml)?.[1]);
  });

  it('reads the French buyer SIREN', async () => {
    const result = await importEInvoice(streamOf(fixture('facturx_fnfe_Facture_FR_EN16931.xml')), { mode: 'all_or_nothing' });

    expect(result.customers[0]).toMatchObject({ externalRef: '787878784', siren: '787878784', vatNumber: 'FR19787878784', country: 'FR', isBusiness: true });
  });

  it('links a credit note to its invoice', async () => {
    const result = await importEInvoice(streamOf(fixture('facturx_fnfe_Avoir_FR_type381_EN16931.xml')), { mode: 'all_or_nothing' });

    expect(result.invoices[0]).toMatchObject({ kind: 'credit_note', precedingInvoiceNumber: 'FA-2017-0010' });
  });

  it('computes a missing due date', async () => {
    const result = await importEInvoice(streamOf(fixture('facturx_fnfe_Facture_FR_MINIMUM.xml')), { mode: 'all_or_nothing', paymentTerms: { days: 30 } });

    expect(result.invoices[0]).toMatchObject({ issueDate: '2017-11-13', dueDate: '2017-12-13', paymentTermsDays: 30 });
  });
});

describe('UBL files', () => {
  it.each(ublFiles)('reads totals of %s', async (name) => {
    const xml = fixture(name).toString('utf8');

    const result = await importEInvoice(streamOf(fixture(name)), { mode: 'all_or_nothing' });

    const invoice = result.invoices[0]!;
    expect(result.format).toBe('ubl');
    expect(invoice.number).toBe(element(xml, 'ID'));
    expect(invoice.kind).toBe(xml.includes('<CreditNote') ? 'credit_note' : 'invoice');
    expect(invoice.currency).toBe(element(xml, 'DocumentCurrencyCode'));
    expect(invoice.totalMinor).toBe(cents(element(xml, 'TaxInclusiveAmount')));
    expect(invoice.amountDueMinor).toBe(cents(element(xml, 'PayableAmount')));
    expect(invoice.issueDate).toBe(element(xml, 'IssueDate'));
    expect(invoice.dueDate).toBe(element(xml, 'DueDate'));
  });

  it('reads the preceding invoice', async () => {
    const result = await importEInvoice(streamOf(fixture('ubl_cen_tc434_example5.xml')), { mode: 'all_or_nothing' });

    expect(result.invoices[0]!.precedingInvoiceNumber).toBe('TOSL109');
    expect(result.customers[0]).toMatchObject({ name: 'Buyercompany ltd', vatNumber: 'DK16356607', country: 'DK' });
  });
});

describe('Factur-X PDF', () => {
  it('extracts the embedded XML', async () => {
    const pdf = await pdfWithAttachment(fixture('facturx_fnfe_Facture_FR_EN16931.xml'), 'factur-x.xml');

    const result = await importEInvoice(streamOf(pdf), { mode: 'all_or_nothing' });

    expect(pdf.toString('latin1')).toMatch(/\/Type \/EmbeddedFile[^>]*>>[^>]*\/Filter \/FlateDecode/);
    expect(result.format).toBe('factur-x');
    expect(result.invoices[0]).toMatchObject({ number: 'FA-2017-0010', totalMinor: 67115, amountDueMinor: 47015 });
  });

  it('rejects a PDF without invoice', async () => {
    const pdf = await pdfWithAttachment(Buffer.from('just a note'), 'note.txt');

    await expect(importEInvoice(streamOf(pdf), { mode: 'partial' })).rejects.toThrow(/no embedded invoice XML/);
  });
});

describe('hostile and broken XML', () => {
  it('rejects an external entity', async () => {
    const xml = fixture('ubl_cen_tc434_creditnote1.xml')
      .toString('utf8')
      .replace("standalone='no'?>", "standalone='no'?>\n<!DOCTYPE CreditNote [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>")
      .replace('<cbc:ID>018304 / 28865</cbc:ID>', '<cbc:ID>&secret;</cbc:ID>');

    const error = await importEInvoice(streamOf(xml), { mode: 'partial' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).code).toBe('unsafe_xml');
    expect((error as Error).message).not.toContain('root:');
  });

  it('rejects entity expansion', async () => {
    const entities = Array.from({ length: 9 }, (_, level) => `<!ENTITY lol${level + 1} "${`&lol${level};`.repeat(10)}">`).join('');
    const xml = `<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY lol0 "lol">${entities}]><Invoice><ID>&lol9;</ID></Invoice>`;

    await expect(importEInvoice(streamOf(xml), { mode: 'partial' })).rejects.toThrow(/DOCTYPE or entities/);
  });

  it('rejects truncated XML', async () => {
    const full = fixture('ubl_cen_tc434_example2.xml');
    const truncated = full.subarray(0, Math.floor(full.length / 2));

    await expect(importEInvoice(streamOf(truncated), { mode: 'partial' })).rejects.toThrow(/not well-formed/);
  });

  it('rejects an unknown root', async () => {
    await expect(importEInvoice(streamOf('<?xml version="1.0"?><Order><ID>1</ID></Order>'), { mode: 'partial' })).rejects.toThrow(/unknown XML root element Order/);
  });

  it('rejects an invalid issue date', async () => {
    const xml = fixture('ubl_cen_tc434_example2.xml').toString('utf8').replace('<cbc:IssueDate>2013-06-30', '<cbc:IssueDate>2025-02-30');

    await expect(importEInvoice(streamOf(xml), { mode: 'partial' })).rejects.toThrow(/invalid issue date "2025-02-30"/);
  });
});
