import { escapeHtml } from '../../layout.js';
import { portalMessages, PORTAL_LANGUAGES, type PortalLanguage } from '../messages.js';

// The portal's page shell: one inline style sheet, no script, no remote font or image.
// Colours keep a contrast ratio of at least 4.5:1 against their background (WCAG 2.1
// AA), and tables turn into stacked cards on narrow screens such as a 360 px phone.

const STYLE = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933;background:#f4f5f7}
a{color:#0b4f9c}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #b45309;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem}
.skip:focus{left:0;z-index:2}
header{background:#102a43;color:#fff;padding:.75rem 1rem}
header .bar{max-width:64rem;margin:0 auto;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
header .brand{font-weight:600;font-size:1.05rem}
header a{color:#fff}
.lang{display:flex;gap:.5rem;margin:0;padding:0;list-style:none}
.lang a{padding:.25rem .5rem;border:1px solid #9fb3c8;border-radius:4px;text-decoration:none}
.lang a[aria-current]{background:#fff;color:#102a43}
nav.sections{background:#fff;border-bottom:1px solid #d9e2ec}
nav.sections ul{max-width:64rem;margin:0 auto;padding:0 .5rem;list-style:none;display:flex;flex-wrap:wrap}
nav.sections a{display:block;padding:.6rem .6rem;text-decoration:none;color:#243b53}
nav.sections a[aria-current]{font-weight:600;color:#0b4f9c;box-shadow:inset 0 -3px 0 #0b4f9c}
main{max-width:64rem;margin:0 auto;padding:1rem}
h1{font-size:1.45rem;margin:.5rem 0 .25rem;color:#102a43}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem;color:#102a43}
section>h2:first-child{margin-top:0}
.muted{color:#52606d}
section,.card{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:1rem;margin:1rem 0}
table{width:100%;border-collapse:collapse;font-size:.95rem}
th,td{padding:.45rem .5rem;text-align:left;border-bottom:1px solid #e4e7eb;vertical-align:top}
th{background:#f0f4f8;font-weight:600}
td.num,th.num{text-align:right;white-space:nowrap}
tfoot td{font-weight:600}
.status{display:inline-block;padding:.05rem .45rem;border-radius:999px;background:#e6f0fa;color:#0b3d75;font-size:.85rem}
.status.promised{background:#e3f9e5;color:#1f5130}
.status.disputed{background:#fff3c4;color:#6b4c00}
.late{color:#a61b1b;font-weight:600}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.kv dt{font-weight:600}
dl.kv dd{margin:0;overflow-wrap:anywhere;font-family:ui-monospace,Menlo,Consolas,monospace}
form .field{margin:0 0 1rem}
label,legend{display:block;font-weight:600;margin:0 0 .25rem}
fieldset{border:1px solid #d9e2ec;border-radius:6px;padding:.75rem;margin:0 0 1rem}
input[type=date],input[type=text],input[type=number],select,textarea{width:100%;max-width:24rem;font:inherit;padding:.5rem;border:1px solid #7b8794;border-radius:4px;background:#fff;color:#1f2933}
textarea{max-width:40rem;min-height:7rem}
input[type=file]{font:inherit;max-width:100%}
.check{display:flex;gap:.5rem;align-items:center;font-weight:400}
.check input{width:1.25rem;height:1.25rem}
.hint{font-size:.9rem;color:#52606d;margin:.15rem 0 0}
.error{color:#a61b1b;font-weight:600;margin:.25rem 0 0}
.errors{border:2px solid #a61b1b;border-radius:6px;padding:.75rem 1rem;background:#fff5f5}
.notice{border-left:4px solid #0b4f9c;background:#eef5fc;padding:.75rem 1rem;border-radius:4px}
button,.button{display:inline-block;font:inherit;font-weight:600;background:#0b4f9c;color:#fff;border:0;border-radius:6px;padding:.7rem 1.2rem;text-decoration:none;cursor:pointer;min-height:44px}
button:hover,.button:hover{background:#083b75}
footer{max-width:64rem;margin:0 auto;padding:1rem;font-size:.85rem;color:#52606d}
@media (max-width:40rem){
main{padding:.75rem}
section,.card{padding:.75rem}
table.cards thead{position:absolute;left:-999px}
table.cards tr{display:block;border:1px solid #d9e2ec;border-radius:6px;margin:0 0 .75rem;padding:.25rem .5rem}
table.cards td{display:flex;justify-content:space-between;gap:1rem;border:0;padding:.25rem 0;text-align:right}
table.cards td::before{content:attr(data-label);font-weight:600;text-align:left;color:#334e68}
table.cards tfoot tr{border-color:#102a43}
table.cards td.total-label{display:none}
.cards .button{padding:.45rem .9rem}
dl.kv{grid-template-columns:1fr}
dl.kv dd{margin:0 0 .5rem}
}`
  .replaceAll('\n', '');

export type PortalSection = 'statement' | 'pay' | 'promise' | 'dispute' | 'paid' | null;

export interface ShellOptions {
  language: PortalLanguage;
  title: string;
  company: { name: string; siren: string; address: string };
  /** Base of the portal's links, `/portal/<token>`; null on pages reached without a valid link. */
  basePath: string | null;
  /** Path of the current page, for the language links. */
  currentPath: string;
  section: PortalSection;
  /** Seconds after which the page reloads itself, for an answer still being processed. */
  refreshSeconds?: number;
}

function languageLinks(options: ShellOptions): string {
  const messages = portalMessages(options.language);
  const items = PORTAL_LANGUAGES.map((language) => {
    const current = language === options.language ? ' aria-current="true"' : '';
    const name = portalMessages(language).languageName;
    return `<li><a href="${escapeHtml(options.currentPath)}?lang=${language}" lang="${language}" hreflang="${language}"${current}>${escapeHtml(name)}</a></li>`;
  }).join('');
  return `<ul class="lang" aria-label="${escapeHtml(messages.languageSwitch)}">${items}</ul>`;
}

function sectionLinks(options: ShellOptions): string {
  if (!options.basePath) return '';
  const labels = portalMessages(options.language).nav;
  const links: [Exclude<PortalSection, null>, string, string][] = [
    ['statement', '', labels.statement],
    ['pay', '/pay', labels.pay],
    ['promise', '/promise', labels.promise],
    ['dispute', '/dispute', labels.dispute],
    ['paid', '/paid', labels.alreadyPaid],
  ];
  const items = links
    .map(([section, suffix, label]) => {
      const current = section === options.section ? ' aria-current="page"' : '';
      return `<li><a href="${escapeHtml(options.basePath + suffix)}"${current}>${escapeHtml(label)}</a></li>`;
    })
    .join('');
  return `<nav class="sections" aria-label="${escapeHtml(labels.label)}"><ul>${items}</ul></nav>`;
}

/** Wraps a page body in the portal shell, in the page's language. */
export function portalPage(options: ShellOptions, body: string): string {
  const messages = portalMessages(options.language);
  const refresh = options.refreshSeconds ? `<meta http-equiv="refresh" content="${options.refreshSeconds}">` : '';
  return '<!doctype html>'
    + `<html lang="${options.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex, nofollow">${refresh}`
    + `<title>${escapeHtml(options.title)} · ${escapeHtml(options.company.name)}</title><style>${STYLE}</style></head><body>`
    + `<a class="skip" href="#content">${escapeHtml(messages.skipToContent)}</a>`
    + `<header><div class="bar"><span class="brand">${escapeHtml(messages.portalTitle(options.company.name))}</span>${languageLinks(options)}</div></header>`
    + sectionLinks(options)
    + `<main id="content" tabindex="-1"><h1>${escapeHtml(options.title)}</h1>${body}</main>`
    + `<footer>${escapeHtml(messages.footer(options.company.name, options.company.siren, options.company.address))}</footer>`
    + '</body></html>';
}

/** Renders the error summary at the top of a form, linking each message to its field. */
export function errorSummary(language: PortalLanguage, errors: Record<string, string>): string {
  const entries = Object.entries(errors);
  if (entries.length === 0) return '';
  const items = entries.map(([field, message]) => `<li><a href="#${escapeHtml(field)}">${escapeHtml(message)}</a></li>`).join('');
  return `<div class="errors" role="alert"><p><strong>${escapeHtml(portalMessages(language).errors.summary)}</strong></p><ul>${items}</ul></div>`;
}

export function fieldError(id: string, errors: Record<string, string>): string {
  const message = errors[id];
  return message ? `<p class="error" id="${escapeHtml(id)}-error">${escapeHtml(message)}</p>` : '';
}

/** The aria-describedby and aria-invalid attributes of a field with an optional hint and error. */
export function describedBy(id: string, errors: Record<string, string>, hasHint: boolean): string {
  const ids = [hasHint ? `${id}-hint` : null, errors[id] ? `${id}-error` : null].filter(Boolean).join(' ');
  return `${ids ? ` aria-describedby="${escapeHtml(ids)}"` : ''}${errors[id] ? ' aria-invalid="true"' : ''}`;
}

export function hiddenProtection(formId: string, csrfToken: string): string {
  return `<input type="hidden" name="form" value="${escapeHtml(formId)}"><input type="hidden" name="csrf" value="${escapeHtml(csrfToken)}">`;
}
