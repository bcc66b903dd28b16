import type { EInvoiceDocument } from './einvoice-document.js';
import type { XmlNode } from './xml.js';
import { attribute, child, children, text } from './xml.js';

/** Returns the amount whose currencyID is the invoice currency, or one without currencyID. */
function amountIn(nodes: XmlNode[], currency: string | undefined): string | undefined {
  const matching = nodes.find((node) => attribute(node, 'currencyID') === currency) ?? nodes.find((node) => attribute(node, 'currencyID') === undefined);
  return text(matching ?? nodes[0]);
}

/** Reads a UN/CEFACT Cross Industry Invoice (the XML of Factur-X and ZUGFeRD). */
export function readCii(root: XmlNode): EInvoiceDocument {
  const exchanged = child(root, 'ExchangedDocument');
  const transaction = child(root, 'SupplyChainTradeTransaction');
  const buyer = child(transaction, 'ApplicableHeaderTradeAgreement', 'BuyerTradeParty');
  const settlement = child(transaction, 'ApplicableHeaderTradeSettlement');
  const summation = child(settlement, 'SpecifiedTradeSettlementHeaderMonetarySummation');
  const currency = text(child(settlement, 'InvoiceCurrencyCode'));

  const legal = child(buyer, 'SpecifiedLegalOrganization', 'ID');
  const vat = children(typeof buyer === 'object' ? buyer.SpecifiedTaxRegistration : undefined)
    .map((registration) => child(registration, 'ID'))
    .find((id) => attribute(id, 'schemeID') === 'VA');
  const dueDate = children(typeof settlement === 'object' ? settlement.SpecifiedTradePaymentTerms : undefined)
    .map((terms) => text(child(terms, 'DueDateDateTime', 'DateTimeString')))
    .find((date) => date !== undefined);
  const summationNode = typeof summation === 'object' ? summation : {};

  return {
    number: text(child(exchanged, 'ID')),
    typeCode: text(child(exchanged, 'TypeCode')),
    currency,
    issueDate: text(child(exchanged, 'IssueDateTime', 'DateTimeString')),
    dueDate,
    total: amountIn(children(summationNode.GrandTotalAmount), currency),
    amountDue: amountIn(children(summationNode.DuePayableAmount), currency),
    precedingInvoiceNumber: text(child(settlement, 'InvoiceReferencedDocument', 'IssuerAssignedID')),
    buyer: {
      name: text(child(buyer, 'Name')),
      legalId: text(legal) === undefined ? undefined : { value: text(legal)!, scheme: attribute(legal, 'schemeID') },
      vatNumber: text(vat),
      otherId: text(child(buyer, 'ID')) ?? text(child(buyer, 'GlobalID')) ?? text(child(buyer, 'URIUniversalCommunication', 'URIID')),
      country: text(child(buyer, 'PostalTradeAddress', 'CountryID')),
    },
  };
}
