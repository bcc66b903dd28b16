import { renderAgedBalanceSvg, type ReplayReportSummary, type StoredReplayReport } from '../../replay/report/index.js';
import { figureTables, metaTable, monthlyAgedTables, reminderChecks, replayMessagesOf, type ReminderCheck, type ReportTable } from '../../replay/report/sections.js';
import { calendarDate, instant } from './format.js';
import { h, type BackofficeLanguage } from './layout.js';

// The replay pages of the back-office: the list of saved reports, and one report with
// its aged-balance chart and the two checks that must read zero. A check is green when
// it passes and red when it fails, with the word "passed" or "failed" beside the colour.

const PASSED_STYLE = 'background:#e6f4ea;border-left:4px solid #1e7b34;padding:.5rem .8rem;margin:.4rem 0';
const FAILED_STYLE = 'background:#fdecec;border-left:4px solid #a4000f;padding:.5rem .8rem;margin:.4rem 0';

function htmlTable(table: ReportTable): string {
  if (table.rows.length === 0) return `<p>${h(table.empty ?? '')}</p>`;
  const head = table.headers.map((header, index) => `<th scope="col"${index > 0 ? ' class="num"' : ''}>${h(header)}</th>`).join('');
  const rows = table.rows
    .map((row) => `<tr>${row.map((cell, index) => (index === 0 ? `<th scope="row">${h(cell)}</th>` : `<td class="num">${h(cell)}</td>`)).join('')}</tr>`)
    .join('');
  return `<table id="${h(table.id)}"><caption>${h(table.heading)}</caption><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function card(table: ReportTable): string {
  return `<section class="card" aria-labelledby="${h(table.id)}-heading"><h2 id="${h(table.id)}-heading">${h(table.heading)}</h2>${htmlTable(table)}</section>`;
}

function checkBlock(check: ReminderCheck, language: BackofficeLanguage): string {
  const labels = replayMessagesOf(language).checks;
  const verdict = check.passed ? labels.passed : labels.failed;
  const summary = `<p data-check="${check.id}" data-passed="${check.passed}" style="${check.passed ? PASSED_STYLE : FAILED_STYLE}">`
    + `<strong>${h(check.label)}${language === 'fr' ? ' : ' : ': '}${check.count}</strong> (${h(labels.expected)}) · ${h(verdict)}</p>`;
  return summary + (check.details ? htmlTable(check.details) : '');
}

/** Renders the list of saved reports, newest first, each with its two checks. */
export function replayListBody(reports: ReplayReportSummary[], language: BackofficeLanguage): string {
  const labels = replayMessagesOf(language);
  if (reports.length === 0) return `<p>${h(labels.noReports)}</p>`;

  const rows = reports
    .map((report) => {
      const checks = [report.remindersAfterPayment, report.remindersDuringDispute]
        .map((count) => `<span style="color:${count === 0 ? '#1e7b34' : '#a4000f'};font-weight:600">${count} ${h(count === 0 ? labels.checks.passed : labels.checks.failed)}</span>`)
        .join(' / ');
      return `<tr><td><a href="/backoffice/replays/${h(report.id)}">${h(instant(report.createdAt, 'Europe/Paris', language))}</a></td>`
        + `<td>${h(calendarDate(report.period.from, language))} – ${h(calendarDate(report.period.to, language))}</td>`
        + `<td>${h(report.sources.join(', '))}</td><td>${h(report.scenarioId)}</td><td>${checks}</td></tr>`;
    })
    .join('');
  return `<p>${h(labels.listIntro)}</p><table><thead><tr><th scope="col">${h(labels.created)}</th><th scope="col">${h(labels.meta.period)}</th>`
    + `<th scope="col">${h(labels.meta.sources)}</th><th scope="col">${h(labels.meta.scenario)}</th>`
    + `<th scope="col">${h(`${labels.checks.afterPayment} / ${labels.checks.duringDispute}`)}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Renders one report: meta, checks, figure tables, the aged-balance chart and its monthly table. */
export function replayReportBody(stored: StoredReplayReport, language: BackofficeLanguage): string {
  const labels = replayMessagesOf(language);
  const report = stored.report;
  const download = `<p><a href="/backoffice/replays/${h(stored.id)}/report.md" download>${h(labels.downloadMarkdown)}</a></p>`;
  const checks = `<section aria-labelledby="checks-heading"><h2 id="checks-heading">${h(labels.checks.heading)}</h2>`
    + reminderChecks(report, language).map((check) => checkBlock(check, language)).join('') + '</section>';
  const aged = `<section aria-labelledby="aged-heading"><h2 id="aged-heading">${h(labels.aged.heading)}</h2>`
    + (report.agedBalance.length === 0 ? `<p>${h(labels.aged.none)}</p>` : renderAgedBalanceSvg(report, language) + monthlyAgedTables(report, language).map(htmlTable).join(''))
    + '</section>';

  // The carbon table has four columns, too wide for a card of the grid.
  const tables = figureTables(report, language);
  const carbon = tables.filter((table) => table.id === 'carbon');
  const counts = tables.filter((table) => table.id !== 'carbon');

  return download
    + htmlTable(metaTable(report, language))
    + checks
    + `<div class="cards">${counts.map(card).join('')}</div>`
    + carbon.map((table) => `<section aria-labelledby="carbon-heading"><h2 id="carbon-heading">${h(table.heading)}</h2>${htmlTable(table)}</section>`).join('')
    + `<p class="muted">${h(`${labels.estimateNote} ${labels.baselineMethod(report.carbon.baselineMethod)}`)}</p>`
    + aged;
}
