import { stackedBarChart } from '../../web/backoffice/charts.js';
import { minorUnitDigits } from '../../domain/money.js';
import { number } from '../../web/backoffice/format.js';
import { AGE_BUCKET_KEYS, type ReplayReport } from './schema.js';
import { replayMessagesOf, type ReportLanguage } from './sections.js';

// The aged balance of a replay as inline SVG stacked bars, one bar per week and one
// chart per currency, drawn by the back-office chart helper (no script, no library).

/** Renders one stacked bar chart per currency; an empty string when every figure is zero. */
export function renderAgedBalanceSvg(report: ReplayReport, language: ReportLanguage = 'en'): string {
  const labels = replayMessagesOf(language).aged;
  return report.agedBalance
    .map((series) => {
      const unit = 10 ** minorUnitDigits(series.currency);
      return stackedBarChart({
        title: labels.chart(series.currency),
        // Month and day only, so that twelve labels fit under the bars.
        categories: series.weeks.map((week) => week.date.slice(5)),
        series: AGE_BUCKET_KEYS.map((bucket) => ({ label: labels.buckets[bucket] ?? bucket, values: series.weeks.map((week) => week.balance[bucket]) })),
        format: (value) => number(value / unit, language),
      });
    })
    .join('');
}
