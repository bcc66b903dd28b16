import type { Session } from '../../api/services/users.js';
import { backofficeEn, type BackofficeMessages } from '../../i18n/backoffice.en.js';
import { backofficeFr } from '../../i18n/backoffice.fr.js';
import { escapeHtml } from '../layout.js';

// The back-office page shell: landmarks, a skip link, the menu, the language switch and
// the sign-out form. It loads no script and no remote font. Text colours keep a contrast
// ratio of at least 4.5:1 on white (WCAG 2.1 AA), and focusable elements show a focus ring.

export type BackofficeLanguage = 'fr' | 'en';

export function messagesOf(language: BackofficeLanguage): BackofficeMessages {
  return language === 'fr' ? backofficeFr : backofficeEn;
}

export const h = escapeHtml;

const STYLES = `
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.45}
a{color:#0b4fa3}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #b35900;outline-offset:2px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
header{background:#12355b;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}
header a{color:#fff}
header .app{font-weight:700;margin-right:auto}
header form{display:inline;margin:0}
header button{background:transparent;color:#fff;border:1px solid #fff;border-radius:4px;padding:.2rem .6rem;font:inherit;cursor:pointer}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
main{padding:1rem 1.5rem;max-width:80rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}
td,th{border-bottom:1px solid #c8c8c8;padding:.35rem .6rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
form.inline{display:inline-flex;flex-wrap:wrap;gap:.4rem;align-items:end;margin:.25rem 0}
label{display:block;font-weight:600;font-size:.9rem}
input,select,textarea{font:inherit;padding:.25rem .4rem;border:1px solid #6b6b6b;border-radius:3px;max-width:100%}
button.primary,button{font:inherit;padding:.3rem .8rem;border-radius:4px;border:1px solid #12355b;background:#12355b;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#12355b}
.field{margin:.4rem 0}
.error{color:#a4000f;font-weight:600}
.notice{background:#e8f1fb;border-left:4px solid #0b4fa3;padding:.5rem .8rem}
.alert{background:#fdecec;border-left:4px solid #a4000f;padding:.5rem .8rem}
.muted{color:#555}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem}
.card{border:1px solid #c8c8c8;border-radius:6px;padding:.5rem 1rem}
pre{white-space:pre-wrap;background:#f5f5f5;padding:.5rem}
fieldset{border:1px solid #c8c8c8;margin:.5rem 0}
svg text{font:12px system-ui,sans-serif;fill:#1a1a1a}
@media (max-width:40rem){main{padding:.5rem}td,th{padding:.25rem}}
`;

export interface ShellInput {
  language: BackofficeLanguage;
  title: string;
  session: Session | null;
  currentPath: string;
  body: string;
  flash?: { kind: 'notice' | 'alert'; text: string };
}

const MENU: { key: keyof BackofficeMessages['nav']; href: string; roles?: string[] }[] = [
  { key: 'agenda', href: '/backoffice' },
  { key: 'cases', href: '/backoffice/cases' },
  { key: 'customers', href: '/backoffice/customers' },
  { key: 'scenarios', href: '/backoffice/scenarios', roles: ['admin', 'credit_manager'] },
  { key: 'dashboards', href: '/backoffice/dashboards' },
  { key: 'replays', href: '/backoffice/replays', roles: ['admin', 'credit_manager'] },
  { key: 'printQueue', href: '/backoffice/print-queue' },
  { key: 'outbox', href: '/outbox' },
  { key: 'users', href: '/backoffice/users', roles: ['admin'] },
];

/** Renders the hidden CSRF field that every back-office form carries. */
export function csrfField(session: Session): string {
  return `<input type="hidden" name="csrf" value="${h(session.csrfToken)}">`;
}

function menu(input: ShellInput, messages: BackofficeMessages): string {
  if (!input.session) return '';
  const session = input.session;
  const items = MENU.filter((item) => !item.roles || item.roles.includes(session.user.role))
    .map((item) => {
      const current = item.href === input.currentPath || (item.href !== '/backoffice' && input.currentPath.startsWith(`${item.href}/`));
      return `<li><a href="${item.href}"${current ? ' aria-current="page"' : ''}>${h(messages.nav[item.key] as string)}</a></li>`;
    })
    .join('');
  const other: BackofficeLanguage = input.language === 'fr' ? 'en' : 'fr';
  return `<nav aria-label="${h(messages.nav.label)}"><ul>${items}</ul></nav>`
    + `<span>${h(messages.signedInAs(session.user.email, messages.roles[session.user.role] ?? session.user.role))}</span>`
    + `<form method="post" action="/backoffice/language">${csrfField(session)}<input type="hidden" name="language" value="${other}">`
    + `<input type="hidden" name="back" value="${h(input.currentPath)}"><button type="submit" lang="${other}">${h(messages.switchLanguage)}</button></form>`
    + `<form method="post" action="/backoffice/sign-out">${csrfField(session)}<button type="submit">${h(messages.signOut)}</button></form>`;
}

/** Renders a whole back-office page. */
export function shell(input: ShellInput): string {
  const messages = messagesOf(input.language);
  const flash = input.flash ? `<p class="${input.flash.kind}" role="${input.flash.kind === 'alert' ? 'alert' : 'status'}">${h(input.flash.text)}</p>` : '';
  return `<!doctype html><html lang="${input.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${h(input.title)} · Relance</title><style>${STYLES}</style></head><body>`
    + `<a class="skip" href="#content">${h(messages.skipToContent)}</a>`
    + `<header><span class="app">${h(messages.appName)}</span>${menu(input, messages)}</header>`
    + `<main id="content" tabindex="-1"><h1>${h(input.title)}</h1>${flash}${input.body}</main></body></html>`;
}
