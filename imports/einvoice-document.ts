// Fields both e-invoice syntaxes (UN/CEFACT CII and UBL 2.1) carry, as read from the XML
// before conversion to records. Amounts stay decimal text until the currency is known.

export interface EInvoiceBuyer {
  name?: string;
  /** Legal registration id (BT-47) with its ISO 6523 scheme: 0002 SIREN, 0009 SIRET. */
  legalId?: { value: string; scheme?: string };
  vatNumber?: string;
  /** Buyer identifier (BT-46), global id or electronic address, in that order. */
  otherId?: string;
  country?: string;
}

export interface EInvoiceDocument {
  number?: string;
  typeCode?: string;
  currency?: string;
  issueDate?: string;
  dueDate?: string;
  /** Total with VAT: GrandTotalAmount (CII) or TaxInclusiveAmount (UBL). */
  total?: string;
  /** DuePayableAmount (CII) or PayableAmount (UBL). */
  amountDue?: string;
  precedingInvoiceNumber?: string;
  buyer: EInvoiceBuyer;
}
