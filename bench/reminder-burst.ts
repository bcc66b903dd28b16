// Reminder-burst benchmark: N cases of a demo scenario, each for its own customer, whose
// one e-mail step falls due a few minutes after the cases start. Each customer's mailbox
// queues its e-mail and the send slot's dispatcher posts them in batches of up to 100
// through a fake Resend on 127.0.0.1 that enforces the provider's default limit. The floor
// is the time that limit allows for the batch requests N e-mails need (ceil(N / 100) / rate
// seconds). Counts requests, distinct idempotency keys and stored messages, and prints
// duplicate deliveries, which must be 0.
// Run: npx tsx bench/reminder-burst.ts [--size 1000]
import { startCaseForInvoice } from '../api/services/cases.js';
import { saveScenario } from '../api/services/scenarios.js';
import { MAX_BATCH_SIZE } from '../activities/resend-rate.js';
import { FakeResend } from '../test/support/fake-resend.js';
import { addEmailContacts, importInvoices } from './support/invoices.js';
import { inParallel, intOption, printFigures } from './support/machine.js';
import { startStack, startWorker } from './support/stack.js';

const size = intOption('size', 1_000);
// Minutes from each case's start to its e-mail step: long enough for every case to start first.
const offsetMinutes = intOption('offset-minutes', Math.max(1, Math.ceil(size / 20 / 60) + 1));

const fake = await FakeResend.start();
const stack = await startStack({ RESEND_API_KEY: 're_bench', RESEND_BASE_URL: fake.url });
stack.onStop(() => fake.close());
try {
  const rate = stack.env.RESEND_RATE_LIMIT_PER_SECOND;
  fake.enforceRateLimit(rate);
  await startWorker(stack);

  await saveScenario(stack.sql, {
    id: 'burst',
    version: 1,
    name: { fr: 'Relance groupée', en: 'Reminder burst' },
    mode: 'demo',
    steps: [{ key: 'r1', offsetMinutes, channel: 'email', templateKey: 'reminder', tone: 'friendly' }],
    calendar: { businessDaysOnly: false, holidays: 'none', sendWindow: { start: '00:00', end: '23:59' }, nonBusinessDayRule: 'next_business_day' },
  });
  const invoiceIds = await importInvoices(stack.sql, stack.directory, { count: size, customers: size, issueDate: '2026-10-01', dueDate: '2026-10-31' });
  await stack.sql`update customers set scenario_id = 'burst'`;
  await addEmailContacts(stack.sql);

  const startsBegan = Date.now();
  await inParallel(invoiceIds, 32, async (invoiceId) => {
    await startCaseForInvoice(stack.sql, stack.temporal, invoiceId);
  });
  const startsEnded = Date.now();
  const firstDue = startsBegan + offsetMinutes * 60_000;
  const floorRequests = Math.ceil(size / MAX_BATCH_SIZE);
  const floorSeconds = floorRequests / rate;
  // Bounded wait past the last due instant: five minutes plus a second per ten e-mails for rendering and recording.
  const deadline = startsEnded + offsetMinutes * 60_000 + (300 + size / 10) * 1000;

  let stored = 0;
  while (Date.now() < deadline) {
    const [row] = await stack.sql<{ count: number }[]>`select count(*)::int as count from messages where channel = 'email' and status = 'sent'`;
    stored = row?.count ?? 0;
    if (stored >= size) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const lastStored = Date.now();

  const batches = fake.batchRequests();
  const singles = fake.emailRequests();
  const requests = [...batches, ...singles];
  const accepted = requests.filter((request) => request.status === 200);
  const delivered = fake.deliveredRecipients();
  const duplicates = delivered.length - new Set(delivered).size;
  const batchSizes = batches.filter((request) => request.status === 200 && !request.replayed).map((request) => (request.body as unknown[]).length);
  const sendSeconds = (lastStored - firstDue) / 1000;

  printFigures(`reminder burst, ${size} e-mails due within ${((startsEnded - startsBegan) / 1000).toFixed(0)} s, provider limit ${rate} requests/s`, [
    ['stored', `${stored} of ${size} messages sent${stored < size ? ' (time limit reached)' : ''}`],
    ['requests', `${batches.length} to POST /emails/batch and ${singles.length} to POST /emails: ${accepted.length} accepted, ${requests.filter((request) => request.status === 429).length} answered 429`],
    ['batch sizes', batchSizes.length > 0 ? `${Math.min(...batchSizes)} to ${Math.max(...batchSizes)} e-mails, ${(batchSizes.reduce((sum, count) => sum + count, 0) / batchSizes.length).toFixed(1)} on average` : 'no batch accepted'],
    ['idempotency keys', `${new Set(requests.map((request) => request.idempotencyKey)).size} distinct, ${new Set(accepted.map((request) => request.idempotencyKey)).size} accepted`],
    ['duplicates', `${duplicates} recipients sent a second e-mail`],
    ['time', `${sendSeconds.toFixed(0)} s from the first due instant to the last message stored`],
    ['floor', `${floorSeconds.toFixed(1)} s (${floorRequests} batch requests of up to ${MAX_BATCH_SIZE} at ${rate}/s); ratio ${(sendSeconds / floorSeconds).toFixed(2)} x floor`],
  ]);
} finally {
  await stack.stop();
}
