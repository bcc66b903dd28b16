import { replaysEn, type ReplayMessages } from '../../i18n/replays.en.js';
import { replaysFr } from '../../i18n/replays.fr.js';
import { calendarDate, money, number } from '../../web/backoffice/format.js';
import { AGE_BUCKET_KEYS, CASE_OUTCOMES, REPORT_CHANNELS, type MisplacedReminder, type ReplayReport } from './schema.js';

// The report as titled tables of formatted text, shared by the markdown and the
// back-office page so that both show the same figures with the same words.

export type ReportLanguage = 'fr' | 'en';

export interface ReportTable {
  id: string;
  heading: string;
  headers: string[];
  rows: string[][];
  /** Text shown instead of the table when it has no rows. */
  empty?: string;
}

export interface ReminderCheck {
  id: 'after-payment' | 'during-dispute';
  label: string;
  count: number;
  passed: boolean;
  /** The reminders that failed the check, when there are any. */
  details: ReportTable | null;
}

export function replayMessagesOf(language: ReportLanguage): ReplayMessages {
  return language === 'fr' ? replaysFr : replaysEn;
}

function ratio(value: number | null, language: ReportLanguage): string {
  return value === null ? '–' : number(value, language, 2);
}

function grams(value: number | null, language: ReportLanguage): string {
  return value === null ? '–' : number(value, language, 1);
}

function instantText(value: string): string {
  return value.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, '');
}

export function metaTable(report: ReplayReport, language: ReportLanguage): ReportTable {
  const labels = replayMessagesOf(language);
  const rows: string[][] = [
    [labels.meta.period, `${calendarDate(report.period.from, language)} – ${calendarDate(report.period.to, language)}`],
    [labels.meta.sources, report.meta.sources.join(', ')],
    [labels.meta.scenario, report.meta.scenarioId],
  ];
  if (report.meta.wallTimeMs !== undefined) rows.push([labels.meta.wallTime, `${number(report.meta.wallTimeMs / 1000, language, 1)} s`]);
  if (report.meta.machine !== undefined) rows.push([labels.meta.machine, report.meta.machine]);
  rows.push(
    [labels.meta.generatedAt, `${instantText(report.generatedAt)} UTC`],
    [labels.meta.scope, String(report.scope.invoices)],
    [labels.meta.customers, String(report.scope.customers)],
    [labels.meta.cases, String(report.scope.cases)],
  );
  return { id: 'replay', heading: labels.meta.heading, headers: [labels.figure, labels.value], rows };
}

export function reminderChecks(report: ReplayReport, language: ReportLanguage): ReminderCheck[] {
  const labels = replayMessagesOf(language).checks;
  const details = (id: string, heading: string, reminders: MisplacedReminder[]): ReportTable | null =>
    reminders.length === 0
      ? null
      : {
          id,
          heading,
          headers: [labels.invoice, labels.customer, labels.sentAt, labels.since],
          rows: reminders.map((reminder) => [reminder.invoiceNumber, reminder.customerRef, instantText(reminder.sentAt), instantText(reminder.since)]),
        };
  return [
    {
      id: 'after-payment',
      label: labels.afterPayment,
      count: report.remindersAfterPayment.count,
      passed: report.remindersAfterPayment.count === 0,
      details: details('after-payment-list', labels.afterPayment, report.remindersAfterPayment.reminders),
    },
    {
      id: 'during-dispute',
      label: labels.duringDispute,
      count: report.remindersDuringDispute.count,
      passed: report.remindersDuringDispute.count === 0,
      details: details('during-dispute-list', labels.duringDispute, report.remindersDuringDispute.reminders),
    },
  ];
}

/** Builds the figure tables that follow the meta table and the checks, in reading order. */
export function figureTables(report: ReplayReport, language: ReportLanguage): ReportTable[] {
  const labels = replayMessagesOf(language);
  const carbon = report.carbon;

  return [
    {
      id: 'cases',
      heading: labels.cases.heading,
      headers: [labels.figure, labels.count],
      rows: [...CASE_OUTCOMES.map((outcome) => [labels.cases.outcomes[outcome] ?? outcome, String(report.cases.byOutcome[outcome])]), [labels.cases.total, String(report.cases.total)]],
    },
    {
      id: 'channels',
      heading: labels.channels.heading,
      headers: [labels.figure, labels.count],
      rows: [
        ...REPORT_CHANNELS.map((channel) => [labels.channels.names[channel] ?? channel, String(report.channels[channel])]),
        [labels.channels.notDeliverable, String(report.emailsNotDeliverable)],
      ],
    },
    {
      id: 'email-grouping',
      heading: labels.grouping.heading,
      headers: ['', labels.grouping.emails, labels.grouping.perInvoice],
      rows: [
        [labels.grouping.withGrouping, String(report.emailGrouping.emails), ratio(report.emailGrouping.emailsPerInvoice, language)],
        [labels.grouping.withoutGrouping, String(report.emailGrouping.emailsWithoutGrouping), ratio(report.emailGrouping.emailsPerInvoiceWithoutGrouping, language)],
        [labels.grouping.invoicesReminded, String(report.emailGrouping.invoicesReminded), ''],
        [labels.grouping.ratio, ratio(report.emailGrouping.ratio, language), ''],
      ],
    },
    {
      id: 'promises',
      heading: labels.promises.heading,
      headers: [labels.figure, labels.count],
      rows: (['made', 'kept', 'broken', 'pending'] as const).map((key) => [labels.promises[key], String(report.promises[key])]),
    },
    {
      id: 'disputes',
      heading: labels.disputes.heading,
      headers: [labels.figure, labels.count],
      rows: (['opened', 'resolved', 'closedWithCase', 'openAtPeriodEnd'] as const).map((key) => [labels.disputes[key], String(report.disputes[key])]),
    },
    {
      id: 'cash',
      heading: labels.cash.heading,
      headers: [labels.cash.currency, labels.cash.amount],
      rows: report.cashCollected.map((entry) => [entry.currency, money(entry.amountMinor, entry.currency, language)]),
      empty: labels.cash.none,
    },
    {
      id: 'carbon',
      heading: labels.carbon.heading,
      headers: [labels.carbon.channel, labels.carbon.lines, labels.carbon.actual, labels.carbon.baseline],
      rows: [
        ...carbon.perChannel.map((entry) => [labels.channels.names[entry.channel] ?? entry.channel, String(entry.lines), grams(entry.grams, language), grams(entry.baselineGrams, language)]),
        [labels.carbon.total, String(carbon.perChannel.reduce((sum, entry) => sum + entry.lines, 0)), grams(carbon.totalGrams, language), grams(carbon.baselineGrams, language)],
        [labels.carbon.perThousandEur, '', grams(carbon.gramsPerThousandEur, language), grams(carbon.baselineGramsPerThousandEur, language)],
        [labels.carbon.saving, '', grams(carbon.savingGrams, language), ''],
      ],
    },
  ];
}

/** Builds the aged balance at the last weekly point of each month, one table per currency. */
export function monthlyAgedTables(report: ReplayReport, language: ReportLanguage): ReportTable[] {
  const labels = replayMessagesOf(language).aged;
  return report.agedBalance.map((series) => {
    const lastOfMonth = new Map<string, (typeof series.weeks)[number]>();
    for (const week of series.weeks) lastOfMonth.set(week.date.slice(0, 7), week);
    return {
      id: `aged-${series.currency}`,
      heading: labels.monthly(series.currency),
      headers: [labels.date, ...AGE_BUCKET_KEYS.map((bucket) => labels.buckets[bucket] ?? bucket)],
      rows: [...lastOfMonth.values()].map((week) => [
        calendarDate(week.date, language),
        ...AGE_BUCKET_KEYS.map((bucket) => money(week.balance[bucket], series.currency, language)),
      ]),
    };
  });
}
