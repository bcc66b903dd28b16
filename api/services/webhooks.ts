import { createHmac, randomBytes } from 'node:crypto';

import { z } from 'zod';

import type { Sql } from '../../db/client.js';

// Outgoing webhooks. A poller turns new case_events rows into one delivery per matching
// subscription (fan-out), then posts the due deliveries, retrying failures with
// exponential backoff. Both steps are safe with several API processes: the cursor row is
// locked during fan-out, deliveries are unique per subscription and event, and a sender
// leases each delivery before posting it.
//
// Signature: header `Relance-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` computed
// with the subscription's secret over `<t>.<raw body>`. A receiver recomputes it, compares
// in constant time, and rejects a t older than a few minutes to block replays.

export const WEBHOOK_EVENTS = ['case.ended', 'promise.made', 'promise.broken', 'dispute.opened', 'dispute.resolved', 'payment.applied'] as const;
export const webhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

export const SIGNATURE_HEADER = 'relance-signature';

const CASE_EVENT_TYPES: Record<string, WebhookEvent> = {
  case_ended: 'case.ended',
  promise_made: 'promise.made',
  promise_broken: 'promise.broken',
  dispute_opened: 'dispute.opened',
  dispute_resolved: 'dispute.resolved',
};

/** Maps a case event to its webhook event, or null when API clients do not receive it. */
export function webhookEventOf(type: string, data: Record<string, unknown>): WebhookEvent | null {
  if (type === 'balance_changed') return data.detail === 'payment' || data.detail === 'allocation' ? 'payment.applied' : null;
  return CASE_EVENT_TYPES[type] ?? null;
}

export function signPayload(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export const subscriptionInputSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2000).describe('Receiver URL; it should answer 2xx within 10 s'),
  events: z.array(webhookEventSchema).min(1).max(WEBHOOK_EVENTS.length),
  secret: z.string().min(16).max(200).optional().describe('Signing secret; generated when absent'),
  description: z.string().trim().max(200).optional(),
});

export interface Subscription {
  id: string;
  url: string;
  events: WebhookEvent[];
  description: string | null;
  createdAt: Date;
  disabledAt: Date | null;
}

const subscriptionColumns = (sql: Sql) =>
  sql`id, url, events, description, created_at as "createdAt", disabled_at as "disabledAt"`;

export async function createSubscription(sql: Sql, input: z.input<typeof subscriptionInputSchema>): Promise<{ subscription: Subscription; secret: string }> {
  const parsed = subscriptionInputSchema.parse(input);
  const secret = parsed.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
  const [subscription] = await sql<Subscription[]>`
    insert into webhook_subscriptions (url, events, secret, description)
    values (${parsed.url}, ${[...new Set(parsed.events)]}, ${secret}, ${parsed.description ?? null})
    returning ${subscriptionColumns(sql)}`;
  if (!subscription) throw new Error(`webhook subscription to ${parsed.url} could not be stored`);
  return { subscription, secret };
}

export async function listSubscriptions(sql: Sql): Promise<Subscription[]> {
  return sql<Subscription[]>`select ${subscriptionColumns(sql)} from webhook_subscriptions order by created_at, id`;
}

export async function findSubscription(sql: Sql, id: string): Promise<Subscription | null> {
  const [subscription] = await sql<Subscription[]>`select ${subscriptionColumns(sql)} from webhook_subscriptions where id = ${id}`;
  return subscription ?? null;
}

/** Disables a subscription: no new deliveries, and pending ones stop. */
export async function disableSubscription(sql: Sql, id: string): Promise<Subscription | null> {
  const [subscription] = await sql<Subscription[]>`
    update webhook_subscriptions set disabled_at = coalesce(disabled_at, now()) where id = ${id} returning ${subscriptionColumns(sql)}`;
  if (subscription) await sql`update webhook_deliveries set status = 'failed', last_error = 'subscription disabled' where subscription_id = ${id} and status = 'pending'`;
  return subscription ?? null;
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export async function listDeliveries(sql: Sql, subscriptionId: string, limit: number): Promise<Delivery[]> {
  return sql<Delivery[]>`
    select id, 'evt_' || case_event_id as "eventId", event_type as "eventType", status, attempts, next_attempt_at as "nextAttemptAt",
      last_status_code as "lastStatusCode", last_error as "lastError", created_at as "createdAt", delivered_at as "deliveredAt"
    from webhook_deliveries where subscription_id = ${subscriptionId} order by created_at desc, case_event_id desc limit ${limit}`;
}

interface CaseEventRow {
  id: number;
  workflow_id: string;
  invoice_id: string;
  type: string;
  occurred_at: Date;
  recorded_at: Date;
  data: Record<string, unknown>;
  invoice_number: string | null;
  customer_id: string | null;
  customer_ref: string | null;
}

/** Turns case events recorded since the last call into deliveries; returns how many deliveries it created. */
export async function fanOutEvents(sql: Sql, batchSize = 500): Promise<number> {
  return sql.begin(async (transaction) => {
    const [cursor] = await transaction<{ last_case_event_id: number }[]>`select last_case_event_id from webhook_cursor for update`;
    const after = cursor?.last_case_event_id ?? 0;
    const events = await transaction<CaseEventRow[]>`
      select e.id, e.workflow_id, e.invoice_id, e.type, e.occurred_at, e.recorded_at, e.data,
        i.number as invoice_number, i.customer_id, c.external_ref as customer_ref
      from case_events e
      left join invoices i on i.id = e.invoice_id
      left join customers c on c.id = i.customer_id
      where e.id > ${after} order by e.id limit ${batchSize}`;
    if (events.length === 0) return 0;

    let created = 0;
    for (const event of events) {
      const type = webhookEventOf(event.type, event.data ?? {});
      if (!type) continue;
      const payload = {
        id: `evt_${event.id}`,
        type,
        occurredAt: event.occurred_at.toISOString(),
        data: { ...event.data, invoiceId: event.invoice_id, invoiceNumber: event.invoice_number, customerId: event.customer_id, customerRef: event.customer_ref, workflowId: event.workflow_id },
      };
      // A subscription receives the events recorded after it was created, never older ones.
      const inserted = await transaction`
        insert into webhook_deliveries (subscription_id, case_event_id, event_type, payload)
        select s.id, ${event.id}, ${type}, ${transaction.json(payload as never)}
        from webhook_subscriptions s
        where s.disabled_at is null and ${type} = any(s.events) and s.created_at <= ${event.recorded_at}
        on conflict (subscription_id, case_event_id) do nothing
        returning id`;
      created += inserted.length;
    }
    await transaction`update webhook_cursor set last_case_event_id = ${events.at(-1)!.id}`;
    return created;
  });
}

export interface DeliveryOptions {
  /** Attempts before a delivery is marked failed. */
  maxAttempts?: number;
  /** Wait after the first failure; each further failure doubles it, up to maxBackoffMs. */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  timeoutMs?: number;
  batchSize?: number;
}

/** Delay before attempt `attempts + 1`, after `attempts` failures. */
export function backoffMs(attempts: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

/** Posts the deliveries that are due; returns how many were delivered and how many failed this round. */
export async function deliverDue(sql: Sql, options: DeliveryOptions = {}): Promise<{ delivered: number; failed: number }> {
  const maxAttempts = options.maxAttempts ?? 12;
  const base = options.backoffBaseMs ?? 30_000;
  const maxBackoff = options.maxBackoffMs ?? 6 * 3_600_000;
  const timeoutMs = options.timeoutMs ?? 10_000;

  // Lease the batch: other senders skip these rows until the lease ends.
  const due = await sql<{ id: string; case_event_id: number; event_type: string; payload: unknown; attempts: number; url: string; secret: string }[]>`
    update webhook_deliveries d set next_attempt_at = now() + make_interval(secs => ${Math.ceil((timeoutMs * 2) / 1000)})
    from webhook_subscriptions s
    where d.id in (
      select id from webhook_deliveries where status = 'pending' and next_attempt_at <= now()
      order by next_attempt_at limit ${options.batchSize ?? 20} for update skip locked)
      and s.id = d.subscription_id
    returning d.id, d.case_event_id, d.event_type, d.payload, d.attempts, s.url, s.secret`;

  let delivered = 0;
  let failed = 0;
  for (const delivery of due) {
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Relance-Webhooks/1',
          [SIGNATURE_HEADER]: signPayload(delivery.secret, timestamp, body),
          'relance-event': delivery.event_type,
          'relance-delivery': delivery.id,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      statusCode = response.status;
      await response.body?.cancel();
      if (!response.ok) error = `receiver answered HTTP ${response.status}`;
    } catch (caught) {
      error = `${(caught as Error).name}: ${(caught as Error).message}`;
    }

    const attempts = delivery.attempts + 1;
    if (error === null) {
      delivered += 1;
      await sql`update webhook_deliveries set status = 'delivered', attempts = ${attempts}, last_status_code = ${statusCode}, last_error = null, delivered_at = now() where id = ${delivery.id}`;
      continue;
    }
    const gaveUp = attempts >= maxAttempts;
    if (gaveUp) failed += 1;
    await sql`
      update webhook_deliveries set attempts = ${attempts}, last_status_code = ${statusCode}, last_error = ${error},
        status = ${gaveUp ? 'failed' : 'pending'},
        next_attempt_at = now() + make_interval(secs => ${backoffMs(attempts, base, maxBackoff) / 1000})
      where id = ${delivery.id}`;
  }
  return { delivered, failed };
}

export interface DispatcherLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Runs fan-out and delivery every `intervalMs` until stopped. */
export function startWebhookDispatcher(sql: Sql, logger: DispatcherLogger, options: DeliveryOptions & { intervalMs?: number } = {}): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      const created = await fanOutEvents(sql);
      const { delivered, failed } = await deliverDue(sql, options);
      if (created + delivered + failed > 0) logger.info({ created, delivered, failed }, 'webhook deliveries processed');
    } catch (error) {
      logger.error({ error: (error as Error).message }, 'webhook dispatch failed; retrying on the next tick');
    }
    if (!stopped) timer = setTimeout(() => (running = tick()), options.intervalMs ?? 2_000);
  };
  timer = setTimeout(() => (running = tick()), options.intervalMs ?? 2_000);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
