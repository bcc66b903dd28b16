import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { latePaymentRateTableSchema, type LatePaymentRateTable } from '../../domain/rates.js';

/** The French late-payment rate table shipped with Relance. */
export const LATE_PAYMENT_RATES_URL = new URL('./fr-late-payment.json', import.meta.url);

/**
 * Reads and validates a late-payment rate table. Workflows receive the table from an
 * activity or from their input, because domain code reads no files.
 */
export function loadLatePaymentRateTable(location: URL | string = LATE_PAYMENT_RATES_URL): LatePaymentRateTable {
  const text = readFileSync(location, 'utf8');

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`invalid JSON in the late-payment rate table ${String(location)}: ${(error as Error).message}`);
  }

  const result = latePaymentRateTableSchema.safeParse(json);
  if (!result.success) {
    throw new Error(`invalid late-payment rate table ${String(location)}:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}
