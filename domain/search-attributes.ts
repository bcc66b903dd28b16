import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Custom search attributes that let an operator filter dunning cases in the Temporal UI.
// Registered by the start script on the dev server and by docker-compose in production.

export const INVOICE_NUMBER = defineSearchAttributeKey('InvoiceNumber', SearchAttributeType.KEYWORD);
export const CUSTOMER_ID = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const DUNNING_STAGE = defineSearchAttributeKey('DunningStage', SearchAttributeType.KEYWORD);
export const DUNNING_STATUS = defineSearchAttributeKey('DunningStatus', SearchAttributeType.KEYWORD);
export const AMOUNT_DUE = defineSearchAttributeKey('AmountDue', SearchAttributeType.INT);
export const CURRENCY = defineSearchAttributeKey('Currency', SearchAttributeType.KEYWORD);
export const NEXT_ACTION_AT = defineSearchAttributeKey('NextActionAt', SearchAttributeType.DATETIME);

/** Name and CLI type of each attribute, as `temporal server start-dev --search-attribute` expects. */
export const SEARCH_ATTRIBUTE_DEFINITIONS: ReadonlyArray<{ name: string; type: 'Keyword' | 'Int' | 'Datetime' }> = [
  { name: INVOICE_NUMBER.name, type: 'Keyword' },
  { name: CUSTOMER_ID.name, type: 'Keyword' },
  { name: DUNNING_STAGE.name, type: 'Keyword' },
  { name: DUNNING_STATUS.name, type: 'Keyword' },
  { name: AMOUNT_DUE.name, type: 'Int' },
  { name: CURRENCY.name, type: 'Keyword' },
  { name: NEXT_ACTION_AT.name, type: 'Datetime' },
];

/** Arguments that register every custom search attribute on `temporal server start-dev`. */
export function searchAttributeCliArgs(): string[] {
  return SEARCH_ATTRIBUTE_DEFINITIONS.flatMap((definition) => ['--search-attribute', `${definition.name}=${definition.type}`]);
}
