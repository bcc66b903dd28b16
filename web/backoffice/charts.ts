import { h } from './layout.js';

// Charts drawn on the server as inline SVG, without a chart library: bars and stacked
// bars are a few rectangles each. Every chart has a title for screen readers
// and sits next to a table of the same figures.

const WIDTH = 560;
const HEIGHT = 220;
const MARGIN = { top: 10, right: 10, bottom: 40, left: 70 };
/** Colour-blind-safe palette (Okabe-Ito), each with a contrast of at least 3:1 on white. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#7A5C00'];

function niceMaximum(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((candidate) => candidate * magnitude >= value) ?? 10;
  return step * magnitude;
}

function axis(maximum: number, format: (value: number) => string): string {
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  return [0, 1]
    .map((fraction) => {
      const y = MARGIN.top + plotHeight * (1 - fraction);
      return `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}" stroke="#c8c8c8"/>`
        + `<text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end">${h(format(maximum * fraction))}</text>`;
    })
    .join('');
}

export interface StackedSeries {
  label: string;
  /** One value per category, in the order of the categories. */
  values: number[];
}

/**
 * Draws one bar per category, stacked by series; a single series gives plain bars.
 * Values below zero are drawn as zero.
 */
export function stackedBarChart(input: { title: string; categories: string[]; series: StackedSeries[]; format: (value: number) => string }): string {
  const totals = input.categories.map((_, index) => input.series.reduce((sum, series) => sum + Math.max(0, series.values[index] ?? 0), 0));
  // An empty chart would show a zero axis only, and the table beside it shows the same zeros.
  if (totals.every((total) => total === 0)) return '';
  const maximum = niceMaximum(Math.max(0, ...totals));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const band = plotWidth / Math.max(1, input.categories.length);
  const barWidth = Math.max(4, band * 0.7);

  const bars = input.categories
    .map((category, index) => {
      let y = MARGIN.top + plotHeight;
      const x = MARGIN.left + band * index + (band - barWidth) / 2;
      const rects = input.series
        .map((series, seriesIndex) => {
          const value = Math.max(0, series.values[index] ?? 0);
          const height = (value / maximum) * plotHeight;
          y -= height;
          return height > 0
            ? `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${height.toFixed(1)}" fill="${PALETTE[seriesIndex % PALETTE.length]}"><title>${h(`${category} · ${series.label}: ${input.format(value)}`)}</title></rect>`
            : '';
        })
        .join('');
      const label = `<text x="${(x + barWidth / 2).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 14}" text-anchor="middle">${h(category)}</text>`;
      return rects + (input.categories.length <= 12 ? label : '');
    })
    .join('');

  const legend = input.series.length > 1
    ? input.series.map((series, index) => `<rect x="${10 + index * 110}" y="${HEIGHT - 14}" width="10" height="10" fill="${PALETTE[index % PALETTE.length]}"/><text x="${24 + index * 110}" y="${HEIGHT - 5}">${h(series.label)}</text>`).join('')
    : '';
  return `<svg role="img" aria-label="${h(input.title)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" style="max-width:${WIDTH}px" xmlns="http://www.w3.org/2000/svg"><title>${h(input.title)}</title>`
    + `${axis(maximum, input.format)}${bars}${legend}</svg>`;
}
