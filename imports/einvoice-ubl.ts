import type { EInvoiceDocument } from './einvoice-document.js';
import type { XmlNode } from './xml.js';
import { attribute, child, children, text } from './xml.js';

/** Reads a UBL 2.1 Invoice or CreditNote. */
export function readUbl(root: XmlNode, rootName: 'Invoice' | 'CreditNote'): EInvoiceDocument {
  const party = child(root, 'AccountingCustomerParty', 'Party');
  const totals = child(root, 'LegalMonetaryTotal');
  const legal = child(party, 'PartyLegalEntity', 'CompanyID');
  const vat = children(typeof party === 'object' ? party.PartyTaxScheme : undefined).find(
    (scheme) => text(child(scheme, 'TaxScheme', 'ID'))?.toUpperCase() === 'VAT',
  );
  const typeCode = rootName === 'Invoice' ? text(child(root, 'InvoiceTypeCode')) : (text(child(root, 'CreditNoteTypeCode')) ?? '381');
  const dueDate =
    text(child(root, 'DueDate')) ??
    children(typeof root === 'object' ? root.PaymentMeans : undefined)
      .map((means) => text(child(means, 'PaymentDueDate')))
      .find((date) => date !== undefined);

  return {
    number: text(child(root, 'ID')),
    typeCode,
    currency: text(child(root, 'DocumentCurrencyCode')),
    issueDate: text(child(root, 'IssueDate')),
    dueDate,
    total: text(child(totals, 'TaxInclusiveAmount')),
    amountDue: text(child(totals, 'PayableAmount')),
    precedingInvoiceNumber: text(child(root, 'BillingReference', 'InvoiceDocumentReference', 'ID')),
    buyer: {
      name: text(child(party, 'PartyLegalEntity', 'RegistrationName')) ?? text(child(party, 'PartyName', 'Name')),
      legalId: text(legal) === undefined ? undefined : { value: text(legal)!, scheme: attribute(legal, 'schemeID') },
      vatNumber: text(child(vat, 'CompanyID')),
      otherId: text(child(party, 'PartyIdentification', 'ID')) ?? text(child(party, 'EndpointID')),
      country: text(child(party, 'PostalAddress', 'Country', 'IdentificationCode')),
    },
  };
}
