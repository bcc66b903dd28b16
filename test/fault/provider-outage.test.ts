import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { acceptedKeysByRecipient, actionsOfStep, rowTotals } from './support/actions.js';
import { FaultStack } from './support/fault-stack.js';
import { faultScenario, OVERDUE_INVOICE } from './demo-scenario.js';

// The mail provider fails a reminder end to end: two 500 answers, a 429 with Retry-After,
// then a request that hangs for longer than the worker's 30-second provider timeout,
// then it recovers. The worker runs as its own process and retries under one key.

const SCENARIO = faultScenario('fault-provider', [
  { key: 'r1', offsetMinutes: 0, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
  { key: 'r2', offsetMinutes: 600, channel: 'email', templateKey: 'reminder', tone: 'firm' },
]);

/** Retry-After of the scripted 429, in seconds. */
const RETRY_AFTER_SECONDS = 3;
/** First retry interval of the step's activity, from its retry policy (5 s, doubled each attempt). */
const INITIAL_RETRY_MS = 5_000;
/** The worker's provider request timeout (RateLimitedMailer's default). */
const PROVIDER_TIMEOUT_MS = 30_000;
/** Slack for timestamps taken on the fake's side of the loopback. */
const CLOCK_SLACK_MS = 250;

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
  await stack.scenario(SCENARIO);
});

afterAll(async () => {
  await stack?.stop();
});

describe('provider outage', () => {
  test('reminder accepted once after recovery', { timeout: 240_000 }, async () => {
    const customer = await stack.customer({
      externalRef: 'OUTAGE', name: 'Outage SAS', scenarioId: SCENARIO.id, groupReminders: false,
      contacts: [{ role: 'invoicing', email: 'ap@outage.example' }],
    });
    const invoice = await stack.invoice(customer, { number: 'INV-O1', ...OVERDUE_INVOICE });
    stack.fake.answerNext(
      { kind: 'server_error' },
      { kind: 'server_error' },
      { kind: 'rate_limited', retryAfterSeconds: RETRY_AFTER_SECONDS },
      { kind: 'hang', milliseconds: PROVIDER_TIMEOUT_MS + 10_000 },
    );

    await stack.startWorker();
    await stack.startCase(invoice.id);
    const [state] = await stack.waitForSteps([invoice.id], 1, 200_000);

    expect(state?.steps.map((step) => [step.stepKey, step.outcome])).toEqual([['r1', 'sent']]);
    const requests = stack.fake.emailRequests();
    expect(new Set(requests.map((request) => request.idempotencyKey)).size).toBe(1);
    // The hanging request was answered after the worker gave up on it: the provider took the
    // e-mail then, and answered the retry from its idempotency cache.
    expect(requests.map((request) => request.status)).toEqual([500, 500, 429, 200, 200]);
    expect(acceptedKeysByRecipient(stack.fake).get('ap@outage.example')).toHaveLength(1);

    const [first, second, rateLimited, hanging, recovered] = requests.map((request) => request.receivedAt);
    const gap = (from: number | undefined, to: number | undefined) => (to ?? 0) - (from ?? 0);
    // Backoff after server errors: 5 s, then 10 s.
    expect(gap(first, second)).toBeGreaterThanOrEqual(INITIAL_RETRY_MS - CLOCK_SLACK_MS);
    expect(gap(second, rateLimited)).toBeGreaterThanOrEqual(2 * INITIAL_RETRY_MS - CLOCK_SLACK_MS);
    // After the 429, the retry waits for Retry-After instead of the 20-second backoff.
    expect(gap(rateLimited, hanging)).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 1000 - CLOCK_SLACK_MS);
    expect(gap(rateLimited, hanging)).toBeLessThan(4 * INITIAL_RETRY_MS);
    // After the timeout, the backoff of the fourth attempt: 40 s.
    expect(gap(hanging, recovered)).toBeGreaterThanOrEqual(PROVIDER_TIMEOUT_MS + 8 * INITIAL_RETRY_MS - CLOCK_SLACK_MS);

    expect(await actionsOfStep(stack.sql, invoice.id, 'r1')).toEqual({ messages: ['sent'], letters: 0, tasks: [], carbonLines: 1 });
    await stack.pay({ customerRef: 'OUTAGE', reference: 'VIR-O1', amountMinor: OVERDUE_INVOICE.totalMinor, currency: 'EUR', receivedOn: '2025-07-01', invoiceNumber: 'INV-O1' });
    expect(await stack.waitForEnd([invoice.id])).toEqual([{ terminalState: 'paid' }]);
    expect(await rowTotals(stack.sql, [invoice.id])).toEqual({ messages: 1, message_invoices: 1, letters: 0, tasks: 0, carbon_lines: 1, case_ended: 1 });
  });
});
