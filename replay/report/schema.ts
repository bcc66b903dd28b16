import { z } from 'zod';

import { calendarDateSchema, instantSchema } from '../../domain/dates.js';

// The replay report: what the dunning engine did with a replayed receivables history.
// Every figure is read from the database; amounts are integers of minor units beside
// their ISO 4217 currency, and carbon figures are estimates in gCO2e.

export const REPORT_VERSION = 1;

export const periodSchema = z
  .object({ from: calendarDateSchema, to: calendarDateSchema })
  .refine((period) => period.from <= period.to, { error: (issue) => `period.from must not be after period.to (got ${JSON.stringify(issue.input)})` });
export type ReplayPeriod = z.infer<typeof periodSchema>;

export const reportMetaSchema = z.object({
  /** Files or data sets the replayed history came from. */
  sources: z.array(z.string().min(1)).min(1),
  /** Scenario the replayed cases ran. */
  scenarioId: z.string().min(1),
  /** Wall-clock duration of the replay in milliseconds. */
  wallTimeMs: z.number().int().nonnegative().optional(),
  /** Machine the replay ran on, as the caller describes it (CPU, memory). */
  machine: z.string().min(1).optional(),
});
export type ReplayReportMeta = z.infer<typeof reportMetaSchema>;

/** Outcome of a case at the period end: its terminal state, or still open (in dispute or not). */
export const CASE_OUTCOMES = ['paid', 'settled_by_credit_note', 'written_off', 'handed_over', 'cancelled', 'disputed_at_period_end', 'open_at_period_end'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

/** Channels of reminders: e-mails, phone tasks, reminder letters, registered letters (formal notices) and visit tasks. */
export const REPORT_CHANNELS = ['email', 'phone', 'letter', 'registered_letter', 'visit'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];

export const AGE_BUCKET_KEYS = ['not_due', 'd1_30', 'd31_60', 'd61_90', 'over_90'] as const;

const count = z.number().int().nonnegative();
const minor = z.number().int();

export const misplacedReminderSchema = z.object({
  invoiceNumber: z.string(),
  customerRef: z.string(),
  messageId: z.string(),
  sentAt: instantSchema,
  /** The instant the reminder came too late for: the invoice's settlement, or the opening of its dispute. */
  since: instantSchema,
});
export type MisplacedReminder = z.infer<typeof misplacedReminderSchema>;

const reminderCheckSchema = z.object({
  count,
  /** One line per message and invoice, oldest first. */
  reminders: z.array(misplacedReminderSchema),
});

const agedBalanceSchema = z.object(Object.fromEntries(AGE_BUCKET_KEYS.map((bucket) => [bucket, minor])) as Record<(typeof AGE_BUCKET_KEYS)[number], typeof minor>);
export type AgedBalanceFigures = z.infer<typeof agedBalanceSchema>;

export const replayReportSchema = z.object({
  version: z.literal(REPORT_VERSION),
  generatedAt: instantSchema,
  period: periodSchema,
  meta: reportMetaSchema,
  /** Invoices issued in the period, their customers and cases: every other figure but the aged balance counts these only. */
  scope: z.object({ invoices: count, customers: count, cases: count }),
  cases: z.object({
    total: count,
    byOutcome: z.object(Object.fromEntries(CASE_OUTCOMES.map((outcome) => [outcome, count])) as Record<CaseOutcome, typeof count>),
  }),
  channels: z.object(Object.fromEntries(REPORT_CHANNELS.map((channel) => [channel, count])) as Record<ReportChannel, typeof count>),
  /** E-mails recorded as not deliverable (no usable address): counted apart, since nothing was sent. */
  emailsNotDeliverable: count,
  emailGrouping: z.object({
    invoicesReminded: count,
    /** E-mails sent, one per customer and send slot listing all its invoices. */
    emails: count,
    /** E-mails without grouping: one per invoice carried by an e-mail. */
    emailsWithoutGrouping: count,
    emailsPerInvoice: z.number().nonnegative().nullable(),
    emailsPerInvoiceWithoutGrouping: z.number().nonnegative().nullable(),
    /** emails / emailsWithoutGrouping; null when no e-mail was sent. */
    ratio: z.number().nonnegative().nullable(),
  }),
  remindersAfterPayment: reminderCheckSchema,
  remindersDuringDispute: reminderCheckSchema,
  promises: z.object({ made: count, kept: count, broken: count, pending: count }),
  disputes: z.object({
    opened: count,
    resolved: count,
    openAtPeriodEnd: count,
    /** Disputes still open when their case ended, paid or settled, because the history records no resolution. */
    closedWithCase: count.default(0),
  }),
  cashCollected: z.array(z.object({ currency: z.string().length(3), amountMinor: minor })),
  carbon: z.object({
    estimate: z.literal(true),
    unit: z.literal('gCO2e'),
    totalGrams: z.number().nonnegative(),
    baselineGrams: z.number().nonnegative(),
    savingGrams: z.number(),
    perChannel: z.array(z.object({ channel: z.string(), lines: count, grams: z.number().nonnegative(), baselineGrams: z.number().nonnegative() })),
    /** Per thousand euros of cash collected; null without euro cash. */
    gramsPerThousandEur: z.number().nonnegative().nullable(),
    baselineGramsPerThousandEur: z.number().nonnegative().nullable(),
    baselineMethod: z.string(),
  }),
  /** The ledger's aged balance at the end of each week of the period, per currency. */
  agedBalance: z.array(z.object({
    currency: z.string().length(3),
    weeks: z.array(z.object({ date: calendarDateSchema, balance: agedBalanceSchema })),
  })),
});
export type ReplayReport = z.infer<typeof replayReportSchema>;
