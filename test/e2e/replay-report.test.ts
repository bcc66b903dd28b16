// A replay report in a real browser (Debian's chromium driven by playwright-core). A
// credit manager opens it from the list: the failed check is red, the passed one green,
// and the chart is drawn. The page then switches to English, and the markdown downloads.
// Screenshots go to test/output/screenshots/replays/.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../api/services/users.js';
import { computeReplayReport, renderReplayMarkdown, saveReplayReport } from '../../replay/report/index.js';
import { startBackofficeStack } from '../integration/backoffice-stack.js';
import type { PortalStack } from '../integration/portal-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.resolve('test/output/screenshots/replays');
const PASSWORD = 'correct horse battery staple';

let stack: PortalStack;
let browser: Browser;
let page: Page;

/** Inserts one invoice paid on 2026-02-20 and reminded four days later, so the after-payment check fails. */
async function seedLateReminder(): Promise<void> {
  const sql = stack.db.sql;
  const [customer] = await sql<{ id: string }[]>`insert into customers (external_ref, name) values ('BROWSER', 'Browser SAS') returning id`;
  const [invoice] = await sql<{ id: string }[]>`
    insert into invoices (customer_id, number, currency, total_minor, issue_date, due_date)
    values (${customer!.id}, 'B-1', 'EUR', 80000, '2026-01-10', '2026-02-09') returning id`;
  const [payment] = await sql<{ id: string }[]>`
    insert into payments (customer_ref, customer_id, reference, amount_minor, currency, received_on)
    values ('BROWSER', ${customer!.id}, 'VIR-B1', 80000, 'EUR', '2026-02-20') returning id`;
  await sql`insert into allocations (invoice_id, payment_id, amount_minor, created_at) values (${invoice!.id}, ${payment!.id}, 80000, '2026-02-20T09:00:00Z')`;
  const [message] = await sql<{ id: string }[]>`
    insert into messages (idempotency_key, channel, customer_id, status, provider, language, sent_at)
    values ('browser/r2', 'email', ${customer!.id}, 'outbox', 'outbox', 'fr', '2026-02-24T08:00:00Z') returning id`;
  await sql`insert into message_invoices (message_id, invoice_id, step_key, due_minor) values (${message!.id}, ${invoice!.id}, 'r2', 80000)`;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with apt-get install -y chromium`);
  await mkdir(SCREENSHOTS, { recursive: true });
  stack = await startBackofficeStack();
  await createUser(stack.db.sql, { email: 'manager@example.com', role: 'credit_manager', language: 'fr', password: PASSWORD });
  await seedLateReminder();
  const report = await computeReplayReport(stack.db.sql, { from: '2026-01-01', to: '2026-03-31' }, { sources: ['browser-history.csv'], scenarioId: 'default' });
  await saveReplayReport(stack.db.sql, report, renderReplayMarkdown(report, 'fr'));

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  await page.goto(`${stack.baseUrl}/backoffice/replays`);
  await page.getByLabel(/Adresse e-mail|E-mail address/).fill('manager@example.com');
  await page.getByLabel(/Mot de passe|Password/).fill(PASSWORD);
  await page.getByRole('button', { name: /Se connecter|Sign in/ }).click();
  await page.waitForURL(`${stack.baseUrl}/backoffice`);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('replay report in a browser', () => {
  it('colours the two checks', async () => {
    await page.goto(`${stack.baseUrl}/backoffice/replays`);
    await page.getByRole('link').filter({ hasText: /\d{2}\/\d{2}\/\d{4}/ }).first().click();
    await page.getByRole('heading', { name: 'Rapport de rejeu du 01/01/2026 au 31/03/2026' }).waitFor();

    // The test code is type-checked without the DOM library, so the browser's global is typed here.
    const background = (element: unknown) => (globalThis as unknown as { getComputedStyle(target: unknown): { backgroundColor: string } }).getComputedStyle(element).backgroundColor;
    const failed = await page.locator('[data-check="after-payment"]').evaluate(background);
    const passed = await page.locator('[data-check="during-dispute"]').evaluate(background);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report-fr.png'), fullPage: true });

    expect(failed).toBe('rgb(253, 236, 236)');
    expect(passed).toBe('rgb(230, 244, 234)');
    expect(await page.locator('[data-check="after-payment"]').innerText()).toContain('échoué');
    expect(await page.locator('svg[role="img"] rect').count()).toBeGreaterThan(0);
  });

  it('switches the report to English', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Replay report, 2026-01-01 to 2026-03-31' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report-en.png'), fullPage: true });

    expect(await page.locator('[data-check="after-payment"]').innerText()).toContain('Reminders sent after the invoice was settled: 1');
  });

  it('downloads the markdown', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the report as markdown' }).click()]);
    const markdown = await readFile((await download.path()) ?? '', 'utf8');

    expect(download.suggestedFilename()).toBe('replay-2026-01-01-2026-03-31.md');
    expect(markdown).toContain('| Relances envoyées après le règlement de la facture | 1 | échoué |');
  });
});
