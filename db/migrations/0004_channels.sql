-- Channels beyond e-mail: the print queue of letters, and the webhook deliveries of the
-- mail provider, kept to process each delivery once.

create table letters (
  id uuid primary key default gen_random_uuid(),
  -- The dunning step's idempotency key: a retried step finds its letter instead of printing another.
  idempotency_key text not null unique,
  workflow_id text,
  invoice_id uuid references invoices(id),
  customer_id uuid not null references customers(id),
  kind text not null check (kind in ('reminder_letter', 'formal_notice')),
  language text not null check (language in ('fr', 'en')),
  pdf bytea not null,
  -- Pages printed one-sided, so also the number of sheets.
  pages integer not null check (pages > 0),
  status text not null default 'queued' check (status in ('queued', 'dispatched', 'delivered', 'returned')),
  queued_at timestamptz not null default now(),
  dispatched_at timestamptz,
  receipt_at timestamptz,
  provider text not null,
  tracking_ref text,
  updated_at timestamptz not null default now()
);
create index letters_status_idx on letters (status, queued_at);
create index letters_invoice_idx on letters (invoice_id);

-- Webhook deliveries already processed, keyed by the svix-id header: Svix resends a
-- delivery with the same id until it gets a 2xx answer.
create table provider_webhook_events (
  provider text not null,
  delivery_id text not null,
  event_type text not null,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  primary key (provider, delivery_id)
);

create index tasks_agenda_idx on tasks (status, kind, due_at, id);
create index messages_provider_message_idx on messages (provider, provider_message_id);
create index contacts_email_idx on contacts (lower(email));
