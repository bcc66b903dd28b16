-- Dunning cases, their history, messages, collector tasks and the carbon ledger.

create table cases (
  workflow_id text primary key,
  invoice_id uuid not null unique references invoices(id),
  customer_id uuid not null references customers(id),
  scenario_id text not null,
  scenario_version integer not null,
  status text not null,
  stage text,
  terminal_state text,
  amount_due_minor bigint,
  currency char(3),
  next_action_at timestamptz,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  updated_at timestamptz not null default now()
);
create index cases_status_idx on cases (status);
create index cases_customer_idx on cases (customer_id);

-- Every action, answer and balance change of a case. The idempotency key makes a
-- retried activity write its event once.
create table case_events (
  id bigserial primary key,
  workflow_id text not null,
  invoice_id uuid not null,
  type text not null,
  source text not null check (source in ('workflow', 'api', 'portal', 'operator', 'provider')),
  occurred_at timestamptz not null,
  data jsonb not null default '{}',
  idempotency_key text unique,
  recorded_at timestamptz not null default now()
);
create index case_events_workflow_idx on case_events (workflow_id, id);
-- A case emits its end event once, whatever retries or late payments follow.
create unique index case_events_one_end_idx on case_events (workflow_id) where type = 'case_ended';

create table messages (
  id uuid primary key default gen_random_uuid(),
  idempotency_key text not null unique,
  channel text not null,
  customer_id uuid not null references customers(id),
  contact_id uuid references contacts(id),
  status text not null check (status in ('sent', 'outbox', 'not_deliverable', 'bounced', 'complained', 'queued')),
  provider text not null,
  provider_message_id text,
  language text not null,
  subject text,
  html text,
  text_body text,
  size_bytes integer,
  failure_reason text,
  sent_at timestamptz not null default now()
);
create index messages_customer_idx on messages (customer_id);

-- Which message carried which invoice's dunning step.
create table message_invoices (
  message_id uuid not null references messages(id),
  invoice_id uuid not null references invoices(id),
  step_key text not null,
  due_minor bigint not null,
  primary key (message_id, invoice_id)
);

create table tasks (
  id uuid primary key default gen_random_uuid(),
  idempotency_key text not null unique,
  kind text not null check (kind in ('call', 'letter', 'visit', 'dispute', 'check_payment', 'confirm_step', 'not_deliverable', 'legal_handoff')),
  status text not null default 'open' check (status in ('open', 'done', 'cancelled')),
  workflow_id text,
  invoice_id uuid references invoices(id),
  customer_id uuid not null references customers(id),
  step_key text,
  due_at timestamptz not null,
  assignee text,
  data jsonb not null default '{}',
  outcome jsonb,
  created_at timestamptz not null default now(),
  completed_at timestamptz
);
create index tasks_open_idx on tasks (status, due_at);

create table carbon_factors (
  id text not null,
  version integer not null,
  channel text not null,
  value_g numeric not null,
  unit text not null,
  source text not null,
  year integer not null,
  scope text not null,
  primary key (id, version)
);

create table carbon_ledger (
  id bigserial primary key,
  idempotency_key text not null unique,
  workflow_id text,
  customer_id uuid not null references customers(id),
  message_id uuid references messages(id),
  channel text not null,
  quantity numeric not null,
  unit text not null,
  factor_id text not null,
  factor_version integer not null,
  grams_co2e numeric not null,
  recorded_at timestamptz not null default now(),
  foreign key (factor_id, factor_version) references carbon_factors(id, version)
);
create index carbon_ledger_customer_idx on carbon_ledger (customer_id);

-- Estimates to start from; each row keeps its source. The e-mail factor scales
-- with size: 4 g for a message without attachment, about 19 g with 1 MB attached.
insert into carbon_factors (id, version, channel, value_g, unit, source, year, scope) values
  ('email-base', 1, 'email', 4, 'message', 'ADEME, La face cachée du numérique (origin disputed; recent recalculations are lower)', 2019, 'send, network and storage, one recipient'),
  ('email-per-mb', 1, 'email', 15, 'MB', 'ADEME / BIO Intelligence Service study of e-mail (19 g with a 1 MB attachment, less the 4 g base)', 2011, 'attachment weight, one recipient'),
  ('letter-postage', 1, 'letter', 20, 'letter', 'La Poste eco-calculator, lettre verte', 2014, 'transport and sorting'),
  ('letter-sheet', 1, 'letter', 5, 'sheet', 'Paper factor about 1 kg CO2e per kg, 5 g A4 sheet', 2014, 'paper and printing'),
  ('registered-letter', 1, 'registered_letter', 32, 'letter', 'Estimate (no published figure): a letter plus receipt card and counter handling, 25-40 g', 2024, 'transport, receipt card, handling'),
  ('phone-minute', 1, 'phone', 3.6, 'minute', 'O2 UK, certified by the Carbon Trust', 2012, 'network only'),
  ('visit-km', 1, 'visit', 190, 'km', 'Diesel car at 6 L/100 km, fuel factor 3.17 kgCO2e/L (arrêté of 26 April 2017)', 2017, 'fuel burnt, return trip counted by the distance entered');
