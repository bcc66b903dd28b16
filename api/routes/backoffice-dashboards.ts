import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { calendarDateSchema, localDateOf } from '../../domain/dates.js';
import { stackedBarChart } from '../../web/backoffice/charts.js';
import { sendPage, sessionOf, type BackofficeDeps } from '../../web/backoffice/context.js';
import { calendarDate, money, number } from '../../web/backoffice/format.js';
import { h, messagesOf, type BackofficeLanguage } from '../../web/backoffice/layout.js';
import { AGE_BUCKETS, readDashboard } from '../services/dashboards.js';

// The dashboards page: DSO, aged balance today and per week, cash per week, promises,
// disputes, reminders and the estimated footprint per channel, each chart beside a
// table of its figures. Amounts are in one currency: EUR, or the one that ?currency= names.

const querySchema = z.object({
  asOf: calendarDateSchema.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).default('EUR'),
});

function table(caption: string, headers: string[], rows: string[][]): string {
  return `<table><caption>${h(caption)}</caption><thead><tr>${headers.map((header, index) => `<th scope="col"${index > 0 ? ' class="num"' : ''}>${h(header)}</th>`).join('')}</tr></thead>`
    + `<tbody>${rows.map((row) => `<tr>${row.map((cell, index) => (index === 0 ? `<th scope="row">${cell}</th>` : `<td class="num">${cell}</td>`)).join('')}</tr>`).join('')}</tbody></table>`;
}

function card(id: string, title: string, content: string): string {
  return `<section class="card" aria-labelledby="${id}"><h2 id="${id}">${h(title)}</h2>${content}</section>`;
}

export function dashboardBody(dashboard: Awaited<ReturnType<typeof readDashboard>>, language: BackofficeLanguage): string {
  const labels = messagesOf(language).dashboards;
  const channels = messagesOf(language).channels;
  const currency = dashboard.query.currency;
  const amount = (value: number) => money(value, currency, language);
  const short = (value: number) => number(value / 100, language);
  const bucketNames = AGE_BUCKETS.map((bucket) => labels.buckets[bucket] ?? bucket);
  // Day and month only, so that twelve labels fit under the bars.
  const weeks = dashboard.agedWeekly.map((week) => (language === 'en' ? week.date.slice(5) : calendarDate(week.date, language).slice(0, 5)));

  const dso = card('dso', labels.dso, `<p style="font-size:2rem;margin:.2rem 0" data-figure="dso">${dashboard.dsoDays === null ? '–' : h(labels.dsoDays(number(dashboard.dsoDays, language, 1)))}</p><p class="muted">${h(labels.dsoExplain)}</p>`);
  const agedToday = card('aged', labels.aged,
    stackedBarChart({ title: labels.aged, categories: bucketNames, series: [{ label: labels.total, values: AGE_BUCKETS.map((bucket) => dashboard.agedToday[bucket]) }], format: short })
    + table(labels.aged, [labels.aged, labels.total], AGE_BUCKETS.map((bucket, index) => [h(bucketNames[index] ?? bucket), amount(dashboard.agedToday[bucket])])));
  const agedWeekly = card('aged-weekly', labels.agedWeekly,
    stackedBarChart({ title: labels.agedWeekly, categories: weeks, series: AGE_BUCKETS.map((bucket, index) => ({ label: bucketNames[index] ?? bucket, values: dashboard.agedWeekly.map((week) => week.balance[bucket]) })), format: short })
    + `<details><summary>${h(labels.agedWeekly)}</summary>${table(labels.agedWeekly, [labels.week, ...bucketNames], dashboard.agedWeekly.map((week) => [calendarDate(week.date, language), ...AGE_BUCKETS.map((bucket) => amount(week.balance[bucket]))]))}</details>`);
  const cash = card('cash', labels.cash,
    stackedBarChart({ title: labels.cash, categories: weeks, series: [{ label: labels.cash, values: dashboard.cash.map((week) => week.amountMinor) }], format: short })
    + table(labels.cash, [labels.week, labels.total], dashboard.cash.map((week) => [calendarDate(week.date, language), amount(week.amountMinor)])));
  const promises = card('promises', labels.promises, table(labels.promises, [labels.promises, labels.count], [
    [h(labels.promisesMade), String(dashboard.promises.made)],
    [h(labels.promisesKept), String(dashboard.promises.kept)],
    [h(labels.promisesBroken), String(dashboard.promises.broken)],
    [h(labels.promisesPending), String(dashboard.promises.pending)],
  ]));
  const disputeLabels: Record<string, string> = { '0_7': language === 'fr' ? '0 à 7 jours' : '0-7 days', '8_30': language === 'fr' ? '8 à 30 jours' : '8-30 days', over_30: language === 'fr' ? 'Plus de 30 jours' : 'Over 30 days' };
  const disputeCount = dashboard.disputes.reduce((sum, bucket) => sum + bucket.count, 0);
  const disputes = card('disputes', labels.disputes, `<p>${h(labels.disputesOpen(disputeCount))}</p>`
    + table(labels.disputes, [labels.disputes, labels.count], dashboard.disputes.map((bucket) => [h(disputeLabels[bucket.bucket] ?? bucket.bucket), String(bucket.count)])));
  const reminders = card('reminders', labels.reminders,
    stackedBarChart({ title: labels.reminders, categories: dashboard.reminders.map((row) => channels[row.channel] ?? row.channel), series: [{ label: labels.count, values: dashboard.reminders.map((row) => row.count) }], format: (value) => number(value, language) })
    + table(labels.reminders, [labels.channel, labels.count], dashboard.reminders.map((row) => [h(channels[row.channel] ?? row.channel), String(row.count)])));
  const carbon = dashboard.carbon;
  const perThousand = (value: number | null) => (value === null ? '–' : number(value, language, 1));
  const footprint = card('carbon', `${labels.carbon} (${labels.estimate})`,
    stackedBarChart({ title: labels.carbon, categories: carbon.groups.map((group) => channels[group.channel] ?? group.channel), series: [{ label: labels.actual, values: carbon.groups.map((group) => group.grams) }], format: (value) => number(value, language) })
    + table(labels.carbon, [labels.channel, `${labels.actual} (gCO2e)`, `${labels.baseline} (gCO2e)`], [
      ...carbon.groups.map((group) => [h(channels[group.channel] ?? group.channel), number(group.grams, language, 1), number(group.baselineGrams, language, 1)]),
      [h(labels.total), number(carbon.totalGrams, language, 1), number(carbon.baselineGrams, language, 1)],
      [h(labels.carbonPerThousand), perThousand(carbon.gramsPerThousand), perThousand(carbon.baselinePerThousand)],
    ])
    + `<p class="muted">${h(carbon.method)}</p>`);

  return `<form method="get" class="inline"><div><label for="asOf">${h(labels.asOf)}</label><input id="asOf" name="asOf" type="date" value="${dashboard.query.asOf}"></div>`
    + `<div><label for="currency">${h(labels.currency)}</label><input id="currency" name="currency" value="${h(currency)}" size="4" maxlength="3"></div><button type="submit">OK</button></form>`
    + `<div class="cards">${dso}${agedToday}${agedWeekly}${cash}${promises}${disputes}${reminders}${footprint}</div>`;
}

export function registerDashboardRoutes(office: FastifyInstance, deps: BackofficeDeps): void {
  office.get('/dashboards', async (request, reply) => {
    const session = sessionOf(request);
    const query = querySchema.parse(request.query);
    const asOf = query.asOf ?? localDateOf(new Date(), 'Europe/Paris');
    const dashboard = await readDashboard(deps.sql, { asOf, currency: query.currency, weeks: 12 });
    return sendPage(request, reply, deps, { title: messagesOf(session.user.language).dashboards.title, body: dashboardBody(dashboard, session.user.language) });
  });
}
