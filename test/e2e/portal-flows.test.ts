// The portal in a real browser (Debian's chromium driven by playwright-core): a customer
// opens the link of a reminder from the outbox, switches language, promises to pay and
// disputes an invoice; refused links show their page. Screenshots of every page, in
// both languages, at 360 px and desktop width, go to test/output/screenshots/.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendEmailStep } from '../../activities/email-step.js';
import { OutboxMailer } from '../../activities/mailer.js';
import { readInvoiceBalance } from '../../activities/balance.js';
import { DEFAULT_SCENARIO } from '../../domain/default-scenario.js';
import { addDays, localDateOf } from '../../domain/dates.js';
import { dunningCaseWorkflowId } from '../../domain/ids.js';
import { portalUrlOf, seedCustomer, startPortalStack, TEST_PORTAL_SECRET, waitFor, type PortalStack, type SeededCustomer } from '../integration/portal-harness.js';
import { loadLatePaymentRateTable } from '../../config/rates/late-payment-rates.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.resolve('test/output/screenshots');
const WIDTHS = { phone: 360, desktop: 1280 } as const;

let stack: PortalStack;
let browser: Browser;
let customer: SeededCustomer;
let reminderLink: string;

async function caseStatusFromApi(invoiceId: string): Promise<string> {
  const response = await stack.app.inject({ method: 'GET', url: `/v1/invoices/${invoiceId}/case`, headers: stack.apiHeaders });
  expect(response.statusCode).toBe(200);
  return (response.json() as { case: { status: string } }).case.status;
}

async function screenshot(page: Page, name: string): Promise<void> {
  for (const [label, width] of Object.entries(WIDTHS)) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true });
  }
}

/** Sends the first reminder of an invoice through the production e-mail step, into the outbox. */
async function sendReminder(invoiceId: string): Promise<string> {
  const step = DEFAULT_SCENARIO.steps.find((candidate) => candidate.key === 'r1');
  if (!step) throw new Error('the default scenario has no r1 step');
  const now = new Date().toISOString();
  const outcome = await sendEmailStep(
    {
      sql: stack.db.sql,
      mailer: new OutboxMailer(),
      logger: pino({ level: 'silent' }),
      company: { name: stack.env.COMPANY_NAME, siren: stack.env.COMPANY_SIREN, address: stack.env.COMPANY_ADDRESS, senderEmail: stack.env.COMPANY_SENDER_EMAIL, language: 'fr' },
      portal: { baseUrl: stack.env.PORTAL_BASE_URL, secrets: TEST_PORTAL_SECRET, linkTtlDays: 30 },
      rateTable: loadLatePaymentRateTable(),
    },
    {
      workflowId: dunningCaseWorkflowId(invoiceId),
      invoiceId,
      customerId: customer.id,
      step,
      scheduledAt: now,
      actedAt: now,
      balance: await readInvoiceBalance(stack.db.sql, invoiceId),
      idempotencyKey: `e2e/${invoiceId}/r1`,
    },
  );
  return outcome.messageId ?? '';
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with apt-get install -y chromium`);
  await mkdir(SCREENSHOTS, { recursive: true });
  stack = await startPortalStack({ PAYMENT_LINK_URL_TEMPLATE: 'https://pay.example.com/checkout?reference={invoiceNumber}&amount={amount}&currency={currency}' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  customer = await seedCustomer(stack, {
    ref: 'dupont',
    name: 'Boulangerie Dupont SARL',
    language: 'fr',
    invoices: [
      { number: 'FA-2026-0412', totalMinor: 186_000, daysLate: 24 },
      { number: 'FA-2026-0436', totalMinor: 52_480, daysLate: 9 },
      { number: 'FA-2026-0450', totalMinor: 12_990, daysLate: 2 },
    ],
  });
  for (const invoice of customer.invoices) {
    await waitFor(async () => ((await stack.db.sql`select 1 from cases where invoice_id = ${invoice.id}`).length > 0 ? true : undefined), `case of ${invoice.number}`);
  }

  const messageId = await sendReminder(customer.invoices[0]?.id ?? '');
  const [message] = await stack.db.sql<{ html: string }[]>`select html from messages where id = ${messageId}`;
  const link = /href="(http:\/\/127\.0\.0\.1:\d+\/portal\/[^"]+)"/.exec(message?.html ?? '')?.[1];
  if (!link) throw new Error('the reminder in the outbox carries no portal link');
  reminderLink = link.replaceAll('&amp;', '&');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('portal in a browser', () => {
  it('reminder link opens the statement', async () => {
    const page = await browser.newPage();

    const response = await page.goto(reminderLink);

    expect(response?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await expect(page.locator('h1').textContent()).resolves.toBe('Relevé de compte');
    await expect(page.locator('table').first().textContent()).resolves.toContain('FA-2026-0412');
    await page.close();
  });

  it('language switch is remembered', async () => {
    const page = await browser.newPage();
    await page.goto(reminderLink);

    await page.getByRole('link', { name: 'English' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByRole('link', { name: 'Pay', exact: true }).click();

    expect(page.url()).not.toContain('lang=');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.locator('h1').textContent()).resolves.toBe('Pay');
    await page.close();
  });

  it('every page renders in both languages', async () => {
    const page = await browser.newPage();
    const pages = { statement: '', pay: '/pay', promise: '/promise', dispute: '/dispute', paid: '/paid' };
    for (const language of ['fr', 'en'] as const) {
      for (const [name, suffix] of Object.entries(pages)) {
        const response = await page.goto(`${reminderLink}${suffix}?lang=${language}`);
        expect(response?.status()).toBe(200);
        expect(await page.getAttribute('html', 'lang')).toBe(language);
        const weight = Buffer.byteLength(await page.content());
        expect(weight).toBeLessThan(60_000);
        await screenshot(page, `portal-${name}-${language}`);
        await page.setViewportSize({ width: WIDTHS.phone, height: 800 });
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(WIDTHS.phone);
      }
    }
    await page.close();
  });

  it('promise makes the case promised', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: WIDTHS.phone, height: 800 });
    await page.goto(`${reminderLink}/promise?lang=en`);
    const promisedDate = addDays(localDateOf(new Date(), 'Europe/Paris'), 12);

    await page.fill('#date', promisedDate);
    await page.uncheck('#include-1');
    await page.uncheck('#include-2');
    await page.getByRole('button', { name: 'Send my promise' }).click();

    await expect(page.locator('h1').textContent()).resolves.toBe('Promise to pay recorded');
    await screenshot(page, 'portal-promise-outcome-en');
    expect(await caseStatusFromApi(customer.invoices[0]?.id ?? '')).toBe('promised');
    expect(await caseStatusFromApi(customer.invoices[1]?.id ?? '')).not.toBe('promised');
    await page.goto(`${reminderLink}?lang=fr`);
    await screenshot(page, 'portal-statement-after-promise-fr');
    await page.close();
  });

  it('dispute with attachment makes it disputed', async () => {
    const page = await browser.newPage();
    await page.goto(`${reminderLink}/dispute?lang=fr`);
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

    await page.selectOption('#invoice', customer.invoices[1]?.id ?? '');
    await page.check('#reason-quality');
    await page.fill('#comment', 'Deux palettes sont arrivées abîmées.');
    await page.setInputFiles('#files', { name: 'photo.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('button', { name: 'Envoyer ma contestation' }).click();

    await expect(page.locator('h1').textContent()).resolves.toBe('Contestation reçue');
    await screenshot(page, 'portal-dispute-outcome-fr');
    await waitFor(async () => ((await caseStatusFromApi(customer.invoices[1]?.id ?? '')) === 'disputed' ? true : undefined), 'disputed case');
    await page.goto(`${reminderLink}?lang=en`);
    await expect(page.locator('body').textContent()).resolves.toContain('Dispute under review');
    await page.close();
  });

  it('refused links show their page', async () => {
    const page = await browser.newPage();
    const token = reminderLink.split('/portal/')[1] ?? '';
    const tampered = `${stack.baseUrl}/portal/${token.slice(0, -2)}xx`;

    const invalid = await page.goto(`${tampered}?lang=en`);
    expect(invalid?.status()).toBe(403);
    await expect(page.locator('h1').textContent()).resolves.toBe('Link not valid');
    await screenshot(page, 'portal-invalid-en');
    await page.goto(`${tampered}?lang=fr`);
    await screenshot(page, 'portal-invalid-fr');

    const expiredUrl = await portalUrlOf(stack, customer.id, { now: new Date(Date.now() - 60 * 86_400_000), ttlDays: 30 });
    const expired = await page.goto(`${expiredUrl}?lang=en`);
    expect(expired?.status()).toBe(410);
    await expect(page.locator('body').textContent()).resolves.not.toContain('FA-2026');
    await screenshot(page, 'portal-expired-en');
    await page.goto(`${expiredUrl}?lang=fr`);
    await screenshot(page, 'portal-expired-fr');
    await page.getByRole('button', { name: 'M’envoyer un nouveau lien' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Nouveau lien envoyé');
    await screenshot(page, 'portal-link-sent-fr');
    await page.close();
  });
});
