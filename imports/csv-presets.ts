// Column mappings of the CSV importer: the record field each column feeds.

export const csvFields = [
  'customerRef', 'customerName', 'siren', 'vatNumber', 'isBusiness', 'language', 'country',
  'kind', 'invoiceNumber', 'currency', 'amount', 'amountDue', 'issueDate', 'dueDate',
  'paymentTermsDays', 'precedingInvoiceNumber', 'disputed', 'settledDate',
] as const;
export type CsvField = (typeof csvFields)[number];

export interface CsvPreset {
  name: string;
  /** Accepted headers per field, first one the canonical header shown in messages. */
  columns: Partial<Record<CsvField, string[]>>;
  required: CsvField[];
  /** Columns of the layout that carry nothing the records need. */
  ignored: string[];
  /** Decimal and date conventions the layout always uses, when it has fixed ones. */
  decimalStyle?: 'fr' | 'us';
  dateOrder?: 'day_first' | 'month_first';
}

export const genericPreset: CsvPreset = {
  name: 'generic',
  columns: {
    customerRef: ['customer_ref', 'customer', 'customer_id', 'client', 'code_client'],
    customerName: ['customer_name', 'name', 'raison_sociale', 'nom_client'],
    siren: ['siren'],
    vatNumber: ['vat_number', 'numero_tva', 'tva_intracommunautaire'],
    isBusiness: ['is_business', 'professionnel'],
    language: ['language', 'langue'],
    country: ['country', 'pays'],
    kind: ['kind', 'type'],
    invoiceNumber: ['invoice_number', 'number', 'numero_facture', 'facture'],
    currency: ['currency', 'devise'],
    amount: ['amount', 'total', 'montant', 'montant_ttc'],
    amountDue: ['amount_due', 'open_amount', 'reste_du', 'solde'],
    issueDate: ['issue_date', 'invoice_date', 'date_facture', 'date'],
    dueDate: ['due_date', 'date_echeance', 'echeance'],
    paymentTermsDays: ['payment_terms_days', 'delai_paiement'],
    precedingInvoiceNumber: ['preceding_invoice_number', 'facture_origine'],
    disputed: ['disputed', 'litige'],
    settledDate: ['settled_date', 'date_reglement'],
  },
  required: ['customerRef', 'invoiceNumber', 'amount', 'issueDate'],
  ignored: [],
};

/**
 * Layout of the public accounts-receivable payment history (IBM Watson Analytics sample
 * "WA_Fn-UseC_-Accounts-Receivable"): one settled invoice per row, US dates, no currency.
 */
export const accountsReceivableHistoryPreset: CsvPreset = {
  name: 'accounts-receivable-history',
  columns: {
    customerRef: ['customerID'],
    invoiceNumber: ['invoiceNumber'],
    amount: ['InvoiceAmount'],
    issueDate: ['InvoiceDate'],
    dueDate: ['DueDate'],
    disputed: ['Disputed'],
    settledDate: ['SettledDate'],
  },
  required: ['customerRef', 'invoiceNumber', 'amount', 'issueDate', 'dueDate'],
  // countryCode contains numeric codes (391, 406...) that are no ISO 3166 codes, so it is not mapped.
  ignored: ['countryCode', 'PaperlessDate', 'PaperlessBill', 'DaysToSettle', 'DaysLate'],
  decimalStyle: 'us',
  dateOrder: 'month_first',
};

export const csvPresets: Record<string, CsvPreset> = {
  [genericPreset.name]: genericPreset,
  [accountsReceivableHistoryPreset.name]: accountsReceivableHistoryPreset,
};

/** Header comparison ignores case, accents, spaces, dashes and dots. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s.\-/]+/g, '_');
}

export function expectedColumns(preset: CsvPreset): string {
  const fields = Object.values(preset.columns).map((headers) => headers[0]);
  return [...fields, ...preset.ignored].join(', ');
}
