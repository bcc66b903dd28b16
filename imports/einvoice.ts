import type { Readable } from 'node:stream';

import { parseCalendarDate } from './dates.js';
import { readCii } from './einvoice-cii.js';
import type { EInvoiceBuyer, EInvoiceDocument } from './einvoice-document.js';
import { extractEmbeddedInvoiceXml } from './einvoice-pdf.js';
import { readUbl } from './einvoice-ubl.js';
import { decimalToMinor, isCurrencyCode, normalizeDecimal } from './money.js';
import { dueDateCapWarning, dueDateFor, legalCapWarning } from './payment-terms.js';
import type { PaymentTerms } from './payment-terms.js';
import type { ImportFormat, ImportMode, ImportResult, ImportedCustomer, ImportedInvoice } from './records.js';
import { ImportFileError, importedCustomerSchema, importedInvoiceSchema } from './records.js';
import { ReportBuilder, describeIssue, finishImport } from './report.js';
import { decodeText, detectTextEncoding, readAll } from './source.js';
import { parseXmlSafely } from './xml.js';

export interface EInvoiceImportOptions {
  mode: ImportMode;
  /** Terms that compute a due date when the invoice has none (Factur-X MINIMUM). */
  paymentTerms?: PaymentTerms;
}

// UNTDID 1001 document types. Invoices: commercial, corrected, prepayment, self-billed and
// information invoices. Credit notes: commercial and self-billed ones.
const invoiceTypeCodes = new Set(['380', '383', '384', '386', '389', '751']);
const creditNoteTypeCodes = new Set(['381', '261', '262', '396', '532']);

function invalid(message: string): ImportFileError {
  return new ImportFileError('invalid_document', message);
}

/** SIREN from a SIREN (scheme 0002) or SIRET (scheme 0009, or 14 digits in France). */
function sirenOf(buyer: EInvoiceBuyer): string | undefined {
  const id = buyer.legalId;
  if (id === undefined) return undefined;
  const digits = id.value.replace(/\s/g, '');
  const french = id.scheme === '0002' || id.scheme === '0009' || (id.scheme === undefined && buyer.country === 'FR');
  if (!french || !/^(\d{9}|\d{14})$/.test(digits)) return undefined;
  return digits.slice(0, 9);
}

function buildCustomer(buyer: EInvoiceBuyer): ImportedCustomer {
  const siren = sirenOf(buyer);
  const vatNumber = buyer.vatNumber?.replace(/\s/g, '').toUpperCase();
  const externalRef = siren ?? vatNumber ?? buyer.otherId ?? buyer.legalId?.value ?? buyer.name;
  if (externalRef === undefined) throw invalid('the invoice names no buyer (BuyerTradeParty / AccountingCustomerParty): expected a name or an identifier');

  const parsed = importedCustomerSchema.safeParse({
    externalRef,
    name: buyer.name ?? externalRef,
    siren,
    vatNumber,
    isBusiness: siren !== undefined || vatNumber !== undefined || buyer.legalId !== undefined || buyer.otherId !== undefined,
    country: buyer.country?.toUpperCase(),
  });
  if (!parsed.success) throw invalid(`invalid buyer: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

function amountOf(field: string, value: string | undefined, currency: string): number {
  const decimal = value === undefined ? undefined : normalizeDecimal(value, 'us');
  if (decimal === undefined) throw invalid(`invalid ${field} ${JSON.stringify(value ?? '')}: expected a decimal amount such as 1234.56`);
  return decimalToMinor(decimal, currency);
}

function dateOf(field: string, value: string | undefined): string {
  const date = value === undefined ? undefined : parseCalendarDate(value);
  if (date === undefined) throw invalid(`invalid ${field} ${JSON.stringify(value ?? '')}: expected a real day as YYYYMMDD or YYYY-MM-DD`);
  return date;
}

function buildInvoice(document: EInvoiceDocument, customerRef: string, format: ImportFormat, options: EInvoiceImportOptions, builder: ReportBuilder): ImportedInvoice {
  if (document.number === undefined) throw invalid('the invoice has no number (BT-1)');
  const currency = document.currency?.toUpperCase();
  if (currency === undefined || !isCurrencyCode(currency)) throw invalid(`invalid currency ${JSON.stringify(currency ?? '')}: expected an ISO 4217 code (BT-5)`);

  const typeCode = document.typeCode ?? '380';
  if (!invoiceTypeCodes.has(typeCode) && !creditNoteTypeCodes.has(typeCode)) {
    throw invalid(`unsupported document type ${JSON.stringify(typeCode)}: expected an invoice (380) or a credit note (381)`);
  }
  let kind: ImportedInvoice['kind'] = creditNoteTypeCodes.has(typeCode) ? 'credit_note' : 'invoice';
  let totalMinor = amountOf('total', document.total, currency);
  let amountDueMinor = document.amountDue === undefined ? totalMinor : amountOf('amount due', document.amountDue, currency);
  if (totalMinor < 0) {
    // Some senders issue a credit as a type 380 invoice with negative totals.
    kind = kind === 'invoice' ? 'credit_note' : 'invoice';
    totalMinor = -totalMinor;
    amountDueMinor = -amountDueMinor;
    builder.warn(`document ${document.number} has a negative total: imported as ${kind === 'credit_note' ? 'a credit note' : 'an invoice'}`, 1);
  }

  const issueDate = dateOf('issue date', document.issueDate);
  let dueDate = document.dueDate === undefined ? undefined : dateOf('due date', document.dueDate);
  if (dueDate === undefined && kind === 'invoice') {
    if (options.paymentTerms !== undefined) {
      dueDate = dueDateFor(issueDate, options.paymentTerms);
      const capWarning = legalCapWarning(options.paymentTerms);
      if (capWarning) builder.warn(capWarning, 1);
    } else {
      builder.warn(`invoice ${document.number} has no due date: pass payment terms to compute one`, 1);
    }
  } else if (dueDate !== undefined) {
    const capWarning = dueDateCapWarning(issueDate, dueDate);
    if (capWarning) builder.warn(capWarning, 1);
  }

  const parsed = importedInvoiceSchema.safeParse({
    kind,
    customerRef,
    number: document.number,
    currency,
    totalMinor,
    amountDueMinor,
    issueDate,
    dueDate,
    paymentTermsDays: document.dueDate === undefined ? options.paymentTerms?.days : undefined,
    precedingInvoiceNumber: document.precedingInvoiceNumber,
    source: { format },
  });
  if (!parsed.success) throw invalid(`invalid invoice ${document.number}: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

/** Reads the XML into a document, returning the syntax found at its root. */
function readDocument(xml: string, fromPdf: boolean): { document: EInvoiceDocument; format: ImportFormat } {
  const parsed = parseXmlSafely(xml);
  const rootName = Object.keys(parsed).find((key) => !key.startsWith('?'));
  const root = rootName === undefined ? undefined : parsed[rootName];
  if (rootName === undefined || root === undefined) throw invalid('the XML has no root element');

  if (rootName === 'CrossIndustryInvoice') {
    const factur = fromPdf || /factur-x|zugferd/i.test(xml.slice(0, 2000));
    return { document: readCii(root), format: factur ? 'factur-x' : 'cii' };
  }
  if (rootName === 'Invoice' || rootName === 'CreditNote') return { document: readUbl(root, rootName), format: 'ubl' };
  throw invalid(`unknown XML root element ${rootName}: expected CrossIndustryInvoice (CII, Factur-X) or Invoice / CreditNote (UBL 2.1)`);
}

/** Imports one e-invoice: Factur-X / ZUGFeRD PDF, CII XML, or UBL 2.1 Invoice or CreditNote. */
export async function importEInvoice(input: Readable, options: EInvoiceImportOptions): Promise<ImportResult> {
  const bytes = await readAll(input);
  const builder = new ReportBuilder();
  builder.rows = 1;

  const isPdf = bytes.subarray(0, 1024).includes('%PDF-');
  const xmlBytes = isPdf ? extractEmbeddedInvoiceXml(bytes).xml : bytes;
  const { encoding } = detectTextEncoding(xmlBytes, 'iso-8859-15', true);
  const { document, format } = readDocument(decodeText(xmlBytes, encoding), isPdf);

  const customer = buildCustomer(document.buyer);
  const invoice = buildInvoice(document, customer.externalRef, format, options, builder);
  return finishImport({ format, customers: [customer], invoices: [invoice], payments: [] }, builder, options.mode);
}
