// The replay report: figures computed from the database after a replay, their markdown
// and SVG renderings, and the saved reports the back-office lists.

export { computeReplayReport } from './compute.js';
export { renderReplayMarkdown } from './markdown.js';
export { renderAgedBalanceSvg } from './svg.js';
export { getReplayReport, listReplayReports, saveReplayReport, type ReplayReportSummary, type StoredReplayReport } from './store.js';
export { replayReportSchema, type ReplayPeriod, type ReplayReport, type ReplayReportMeta } from './schema.js';
