-- Late-payment claims of French law, kept apart from the principal: the fixed recovery
-- indemnity (D441-5) and the accrued late penalties (L441-10 II). They survive payment of
-- the principal unless a person waives them with a reason.

create table claims (
  id uuid primary key default gen_random_uuid(),
  invoice_id uuid not null references invoices(id),
  kind text not null check (kind in ('recovery_indemnity', 'late_penalties')),
  amount_minor bigint not null check (amount_minor >= 0),
  currency char(3) not null,
  status text not null default 'open' check (status in ('open', 'waived', 'paid')),
  first_claimed_at timestamptz not null,
  first_step_key text not null,
  last_computed_on date not null,
  waived_reason text,
  waived_by text,
  waived_at timestamptz,
  unique (invoice_id, kind)
);
