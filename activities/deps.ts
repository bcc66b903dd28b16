import type { Logger } from 'pino';
import type { Sql } from '../db/client.js';
import type { LatePaymentRateTable } from '../domain/rates.js';
import type { Mailer } from './mailer.js';

/** What the activities need from the worker process. */
export interface ActivityDeps {
  sql: Sql;
  mailer: Mailer;
  logger: Logger;
  company: { name: string; siren: string; address: string; senderEmail: string; language: 'fr' | 'en' };
  portal: { baseUrl: string; secrets: string; linkTtlDays: number };
  /** Half-year rates of French late penalties, from config/rates. */
  rateTable: LatePaymentRateTable;
}
