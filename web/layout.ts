const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/** Wraps a page body in the shared light layout: no script, no remote font. */
export function page(title: string, body: string, language: 'fr' | 'en' = 'en'): string {
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${escapeHtml(title)} · Relance</title><style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}`
    + `table{border-collapse:collapse}td,th{border-bottom:1px solid #ccc;padding:.4rem .8rem;text-align:left}a{color:#0645ad}</style></head>`
    + `<body><main>${body}</main></body></html>`;
}
