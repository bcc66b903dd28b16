-- Customers, contacts, invoices, credit notes, payments and their allocations:
-- the ledger of record that every dunning step re-reads before acting.

create table customers (
  id uuid primary key default gen_random_uuid(),
  external_ref text not null unique,
  name text not null,
  siren text,
  vat_number text,
  is_business boolean not null default true,
  language text not null default 'fr' check (language in ('fr', 'en')),
  time_zone text not null default 'Europe/Paris',
  segment text,
  scenario_id text,
  address text,
  portal_link_version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table contacts (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references customers(id) on delete cascade,
  role text not null check (role in ('invoicing', 'accounts_payable', 'main', 'other')),
  name text,
  email text,
  phone text,
  language text check (language in ('fr', 'en')),
  email_suppressed_at timestamptz,
  email_suppression_reason text,
  created_at timestamptz not null default now()
);
create index contacts_customer_idx on contacts (customer_id);

create table scenarios (
  id text not null,
  version integer not null,
  definition jsonb not null,
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  primary key (id, version)
);

-- Invoices and credit notes share one table: a credit note is a document of kind
-- 'credit_note' whose allocations reduce an invoice's balance.
create table invoices (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references customers(id),
  kind text not null default 'invoice' check (kind in ('invoice', 'credit_note')),
  number text not null,
  currency char(3) not null,
  total_minor bigint not null check (total_minor >= 0),
  issue_date date not null,
  due_date date not null,
  payment_terms_days integer,
  preceding_invoice_id uuid references invoices(id),
  scenario_id text,
  cancelled_at timestamptz,
  source jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (customer_id, number)
);
create index invoices_due_date_idx on invoices (due_date);

-- A payment arrives with a customer reference and, often, the invoice number it pays.
-- It is stored even when neither is known yet, and allocated when they arrive.
create table payments (
  id uuid primary key default gen_random_uuid(),
  customer_ref text not null,
  customer_id uuid references customers(id),
  reference text not null,
  amount_minor bigint not null check (amount_minor > 0),
  currency char(3) not null,
  received_on date not null,
  invoice_number text,
  reversed_at timestamptz,
  created_at timestamptz not null default now(),
  unique (customer_ref, reference)
);
create index payments_customer_idx on payments (customer_id);

create table allocations (
  id uuid primary key default gen_random_uuid(),
  invoice_id uuid not null references invoices(id),
  payment_id uuid references payments(id),
  credit_note_id uuid references invoices(id),
  amount_minor bigint not null check (amount_minor > 0),
  created_at timestamptz not null default now(),
  check ((payment_id is null) <> (credit_note_id is null))
);
create index allocations_invoice_idx on allocations (invoice_id);

create table write_offs (
  id uuid primary key default gen_random_uuid(),
  invoice_id uuid not null references invoices(id),
  amount_minor bigint not null check (amount_minor > 0),
  reason text not null,
  author text not null,
  idempotency_key text not null unique,
  created_at timestamptz not null default now()
);
