// The back-office in a real browser (Debian's chromium driven by playwright-core): a
// credit manager signs in, works a call from the agenda, resolves a dispute, edits a
// scenario and reads its dry run, and reads the dashboards. Screenshots of every page in
// both languages go to test/output/screenshots/backoffice/.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCase } from '../../api/services/cases.js';
import { createUser } from '../../api/services/users.js';
import { dunningCaseWorkflowId } from '../../domain/ids.js';
import { startBackofficeStack } from '../integration/backoffice-stack.js';
import { seedCustomer, waitFor, type PortalStack, type SeededCustomer } from '../integration/portal-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.resolve('test/output/screenshots/backoffice');
const PASSWORD = 'correct horse battery staple';

let stack: PortalStack;
let browser: Browser;
let page: Page;
let customer: SeededCustomer;

async function caseStatus(invoiceId: string): Promise<string | undefined> {
  const [row] = await stack.db.sql<{ status: string }[]>`select status from cases where invoice_id = ${invoiceId}`;
  return row?.status;
}

async function signIn(): Promise<void> {
  await page.goto(`${stack.baseUrl}/backoffice`);
  await page.getByLabel(/Adresse e-mail|E-mail address/).fill('manager@example.com');
  await page.getByLabel(/Mot de passe|Password/).fill(PASSWORD);
  await page.getByRole('button', { name: /Se connecter|Sign in/ }).click();
  await page.waitForURL(`${stack.baseUrl}/backoffice`);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with apt-get install -y chromium`);
  await mkdir(SCREENSHOTS, { recursive: true });
  stack = await startBackofficeStack();
  await createUser(stack.db.sql, { email: 'manager@example.com', role: 'credit_manager', language: 'fr', password: PASSWORD });
  customer = await seedCustomer(stack, {
    ref: 'durand',
    name: 'Menuiserie Durand SARL',
    invoices: [
      { number: 'F-2026-101', totalMinor: 184_000, daysLate: 31 },
      { number: 'F-2026-102', totalMinor: 72_000, daysLate: 12 },
    ],
  });
  await stack.db.sql`update contacts set phone = '+33 1 23 45 67 89' where customer_id = ${customer.id}`;
  const callInvoice = customer.invoices[0]?.id ?? '';
  await stack.db.sql`
    insert into tasks (idempotency_key, kind, workflow_id, invoice_id, customer_id, step_key, due_at, assignee)
    values ('e2e/call', 'call', ${dunningCaseWorkflowId(callInvoice)}, ${callInvoice}, ${customer.id}, 'r3', now() - interval '1 hour', 'collector@example.com')`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('back-office in a browser', () => {
  it('works a call from the agenda', async () => {
    await page.goto(`${stack.baseUrl}/backoffice`);
    await page.getByRole('link', { name: /Ouvrir · Appel/ }).click();
    await page.getByLabel('Résultat').selectOption('no_answer');
    await page.getByLabel("Durée de l'appel (minutes)").fill('2');
    await page.getByRole('button', { name: 'Enregistrer le résultat' }).click();
    await page.waitForURL(/\/backoffice\?flash=/);

    const [task] = await stack.db.sql<{ status: string; outcome: { completion: { author: string } } }[]>`select status, outcome from tasks where idempotency_key = 'e2e/call'`;
    expect(task?.status).toBe('done');
    expect(task?.outcome.completion.author).toBe('manager@example.com');
    expect(await page.getByRole('status').textContent()).toBe('La tâche est faite.');
  });

  it('resolves a dispute from the agenda', async () => {
    const invoiceId = customer.invoices[1]?.id ?? '';
    await updateCase(stack.db.sql, stack.temporal, invoiceId, 'openDispute', { reason: 'quantity', comment: 'two boxes missing', source: 'portal' });
    await waitFor(async () => ((await caseStatus(invoiceId)) === 'disputed' ? true : undefined), 'the disputed case');

    await page.goto(`${stack.baseUrl}/backoffice`);
    const row = page.getByRole('row', { name: /F-2026-102/ });
    await row.getByLabel('Décision').selectOption('rejected');
    await row.getByRole('button', { name: 'Traiter le litige' }).click();
    await page.waitForURL(/\/backoffice\?flash=/);

    await waitFor(async () => ((await caseStatus(invoiceId)) === 'active' ? true : undefined), 'the case back to active');
    const [event] = await stack.db.sql<{ data: { author: string } }[]>`select data from case_events where invoice_id = ${invoiceId} and type = 'operator_resolve_dispute'`;
    expect(event?.data.author).toBe('manager@example.com');
  });

  it('edits a scenario and shows its dry run', async () => {
    await page.goto(`${stack.baseUrl}/backoffice/scenarios/default-fr`);
    await page.locator('#s1_offsetDays').fill('20');
    await page.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
    expect(await page.locator('[id$="-error"]').first().textContent()).toContain('offsets must increase');

    await page.goto(`${stack.baseUrl}/backoffice/scenarios/default-fr`);
    await page.locator('#s1_offsetDays').fill('7');
    await page.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Enregistré en version 2.');

    await page.getByLabel('Numéro de facture').fill('F-2026-101');
    await page.getByRole('button', { name: 'Afficher les dates' }).click();
    const dryRun = page.getByRole('table', { name: /Facture F-2026-101/ });
    expect(await dryRun.getByRole('row').count()).toBe(7);
    expect(await dryRun.getByRole('row', { name: /^r1 / }).textContent()).toContain('missed');
  });

  it('reads the dashboards', async () => {
    await page.goto(`${stack.baseUrl}/backoffice/dashboards`);

    expect(await page.locator('[data-figure="dso"]').textContent()).toContain('jours');
    expect(await page.locator('svg[role="img"]').first().isVisible()).toBe(true);
    expect(await page.getByRole('table', { name: 'Balance âgée du jour' }).getByRole('row', { name: /31 à 60 jours/ }).textContent()).toMatch(/1\s840,00/);
  });

  it('every page renders in both languages', async () => {
    const invoiceId = customer.invoices[0]?.id ?? '';
    const pages: [string, string][] = [
      ['agenda', '/backoffice'],
      ['cases', '/backoffice/cases'],
      ['case', `/backoffice/cases/${invoiceId}`],
      ['customers', '/backoffice/customers'],
      ['customer', `/backoffice/customers/${customer.id}`],
      ['scenarios', '/backoffice/scenarios'],
      ['scenario', '/backoffice/scenarios/default-fr?invoice=F-2026-101'],
      ['dashboards', '/backoffice/dashboards'],
      ['print-queue', '/backoffice/print-queue'],
    ];
    for (const language of ['fr', 'en'] as const) {
      await stack.db.sql`update users set language = ${language} where email = 'manager@example.com'`;
      for (const [name, url] of pages) {
        const response = await page.goto(`${stack.baseUrl}${url}`);
        expect(response?.status(), url).toBe(200);
        expect(await page.getAttribute('html', 'lang')).toBe(language);
        await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${language}.png`), fullPage: true });
      }
    }

    const anonymous = await browser.newPage();
    for (const language of ['fr', 'en'] as const) {
      await anonymous.goto(`${stack.baseUrl}/backoffice/sign-in?lang=${language}`);
      await anonymous.screenshot({ path: path.join(SCREENSHOTS, `sign-in-${language}.png`) });
    }
    await anonymous.close();
  });
});
