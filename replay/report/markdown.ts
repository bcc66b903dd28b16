import { calendarDate } from '../../web/backoffice/format.js';
import { replayReportSchema, type ReplayReport } from './schema.js';
import { figureTables, metaTable, monthlyAgedTables, reminderChecks, replayMessagesOf, type ReportLanguage, type ReportTable } from './sections.js';

// The replay report as markdown: a heading and a table per section, the two checks with
// the reminders that failed them, and the aged balance per month as a text table.

function cell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function markdownTable(table: ReportTable): string {
  if (table.rows.length === 0) return `${table.empty ?? ''}\n`;
  const header = `| ${table.headers.map(cell).join(' | ')} |`;
  const rule = `|${table.headers.map((_, index) => (index === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  const rows = table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`);
  return [header, rule, ...rows].join('\n') + '\n';
}

function section(table: ReportTable): string {
  return `## ${table.heading}\n\n${markdownTable(table)}`;
}

/** Renders the report in French or English. */
export function renderReplayMarkdown(report: ReplayReport, language: ReportLanguage): string {
  const checked = replayReportSchema.parse(report);
  const labels = replayMessagesOf(language);
  const checks = reminderChecks(checked, language);

  const checkTable: ReportTable = {
    id: 'checks',
    heading: labels.checks.heading,
    headers: [labels.figure, labels.count, labels.checks.expected],
    rows: checks.map((check) => [check.label, String(check.count), check.passed ? labels.checks.passed : labels.checks.failed]),
  };
  const details = checks.flatMap((check) => (check.details ? [`### ${check.details.heading}\n\n${markdownTable(check.details)}`] : []));
  const aged = monthlyAgedTables(checked, language);

  const parts = [
    `# ${labels.title(calendarDate(checked.period.from, language), calendarDate(checked.period.to, language))}\n`,
    section(metaTable(checked, language)),
    section(checkTable),
    ...details,
    ...figureTables(checked, language).map(section),
    `${labels.estimateNote} ${labels.baselineMethod(checked.carbon.baselineMethod)}\n`,
    `## ${labels.aged.heading}\n`,
    ...(aged.length === 0 ? [`${labels.aged.none}\n`] : aged.map((table) => `### ${table.heading}\n\n${markdownTable(table)}`)),
  ];
  return parts.join('\n');
}
