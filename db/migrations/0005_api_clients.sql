-- API clients: outgoing webhook subscriptions and their delivery log, the position of
-- the case_events poller, and a view of each document's balance for lists and filters.

create table webhook_subscriptions (
  id uuid primary key default gen_random_uuid(),
  url text not null,
  events text[] not null,
  -- HMAC-SHA256 key of the signature header; the receiver needs it in clear to verify.
  secret text not null,
  description text,
  created_at timestamptz not null default now(),
  disabled_at timestamptz
);

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  subscription_id uuid not null references webhook_subscriptions(id) on delete cascade,
  case_event_id bigint not null,
  event_type text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_status_code integer,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  unique (subscription_id, case_event_id)
);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending';

-- One row: the last case_events id turned into deliveries.
create table webhook_cursor (
  id boolean primary key default true check (id),
  last_case_event_id bigint not null default 0
);
insert into webhook_cursor (id, last_case_event_id) values (true, 0);

create index payments_unallocated_idx on payments (customer_ref, invoice_number);
create index write_offs_invoice_idx on write_offs (invoice_id);
create index allocations_payment_idx on allocations (payment_id);
create index allocations_credit_note_idx on allocations (credit_note_id);

-- What each invoice or credit note still carries. For an invoice, due_minor is the total
-- less allocated payments and credit notes, write-offs, and payments that name its number
-- but are not allocated yet (paid_minor counts both; the same reading as the dunning case's balance, without the
-- customer's unallocated cash, which no invoice owns until it is allocated).
-- For a credit note, due_minor is the part not yet allocated to an invoice.
create view document_balances as
with sums as (
  select i.*,
    coalesce((select sum(a.amount_minor) from allocations a join payments p on p.id = a.payment_id
              where a.invoice_id = i.id and p.reversed_at is null), 0)::bigint as paid_minor,
    coalesce((select sum(a.amount_minor) from allocations a join invoices cn on cn.id = a.credit_note_id
              where a.invoice_id = i.id and cn.cancelled_at is null), 0)::bigint as credited_minor,
    coalesce((select sum(w.amount_minor) from write_offs w where w.invoice_id = i.id), 0)::bigint as written_off_minor,
    coalesce((select sum(p.amount_minor - coalesce((select sum(a.amount_minor) from allocations a where a.payment_id = p.id), 0))
              from payments p join customers c on c.external_ref = p.customer_ref
              where c.id = i.customer_id and p.invoice_number = i.number and p.reversed_at is null
                and p.currency = i.currency and i.kind = 'invoice'), 0)::bigint as hinted_minor,
    coalesce((select sum(a.amount_minor) from allocations a where a.credit_note_id = i.id), 0)::bigint as used_minor
  from invoices i
)
select s.id, s.customer_id, s.kind, s.number, s.currency, s.total_minor, s.issue_date, s.due_date,
  s.cancelled_at, s.created_at, s.paid_minor + s.hinted_minor as paid_minor, s.credited_minor, s.written_off_minor,
  case when s.kind = 'credit_note' then greatest(0, s.total_minor - s.used_minor)
       else greatest(0, s.total_minor - s.paid_minor - s.credited_minor - s.written_off_minor - s.hinted_minor) end as due_minor,
  case
    when s.cancelled_at is not null then 'cancelled'
    when s.kind = 'credit_note' then (case when s.total_minor - s.used_minor > 0 then 'open' else 'used' end)
    when s.total_minor - s.paid_minor - s.credited_minor - s.written_off_minor - s.hinted_minor > 0 then 'open'
    when s.written_off_minor > 0 then 'written_off'
    else 'paid'
  end as status
from sums s;
