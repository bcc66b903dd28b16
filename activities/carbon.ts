import type { Sql } from '../db/client.js';

export interface CarbonLineInput {
  idempotencyKey: string;
  workflowId: string | null;
  customerId: string;
  messageId: string | null;
  channel: string;
  /** Quantity behind the estimate: bytes for an e-mail, minutes for a call, km for a visit, sheets for a letter. */
  measure: { bytes?: number; recipients?: number; minutes?: number; km?: number; sheets?: number };
}

interface Factor {
  id: string;
  version: number;
  value_g: number;
  unit: string;
}

/**
 * Writes one carbon-ledger line per action with the factors used. An e-mail counts
 * its base factor per recipient plus its weight in MB; a letter counts postage plus
 * each sheet; a call counts minutes; a visit counts kilometres.
 */
export async function recordCarbonLine(sql: Sql, input: CarbonLineInput): Promise<{ gramsCo2e: number }> {
  const factors = await sql<Factor[]>`
    select distinct on (id) id, version, value_g::float8 as value_g, unit from carbon_factors order by id, version desc`;
  const factor = (id: string): Factor => {
    const found = factors.find((candidate) => candidate.id === id);
    if (!found) throw new Error(`carbon factor "${id}" is missing: run the database migrations`);
    return found;
  };

  const { measure } = input;
  let main: Factor;
  let quantity: number;
  let grams: number;
  switch (input.channel) {
    case 'email': {
      main = factor('email-base');
      const recipients = measure.recipients ?? 1;
      const megabytes = (measure.bytes ?? 0) / 1_000_000;
      quantity = recipients;
      grams = recipients * (main.value_g + megabytes * factor('email-per-mb').value_g);
      break;
    }
    case 'letter':
      main = factor('letter-postage');
      quantity = 1;
      grams = main.value_g + (measure.sheets ?? 1) * factor('letter-sheet').value_g;
      break;
    case 'registered_letter':
      main = factor('registered-letter');
      quantity = 1;
      grams = main.value_g + (measure.sheets ?? 1) * factor('letter-sheet').value_g;
      break;
    case 'phone':
      main = factor('phone-minute');
      quantity = measure.minutes ?? 0;
      grams = quantity * main.value_g;
      break;
    case 'visit':
      main = factor('visit-km');
      quantity = measure.km ?? 0;
      grams = quantity * main.value_g;
      break;
    default:
      return { gramsCo2e: 0 };
  }

  const rounded = Math.round(grams * 1000) / 1000;
  await sql`
    insert into carbon_ledger (idempotency_key, workflow_id, customer_id, message_id, channel, quantity, unit,
                               factor_id, factor_version, grams_co2e)
    values (${input.idempotencyKey}, ${input.workflowId}, ${input.customerId}, ${input.messageId}, ${input.channel},
            ${quantity}, ${main.unit}, ${main.id}, ${main.version}, ${rounded})
    on conflict (idempotency_key) do nothing`;
  return { gramsCo2e: rounded };
}
