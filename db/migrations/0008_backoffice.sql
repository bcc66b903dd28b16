-- The back-office for credit managers: user accounts with a role, their sign-in
-- sessions, and the indexes its lists and dashboards read with ten thousand open cases.

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  name text,
  role text not null check (role in ('admin', 'credit_manager', 'collector')),
  language text not null default 'fr' check (language in ('fr', 'en')),
  -- scrypt$N$r$p$salt$hash, salt and hash in base64url.
  password_hash text not null,
  created_at timestamptz not null default now(),
  disabled_at timestamptz
);
create unique index users_email_idx on users (lower(email));

-- A session id is 32 random bytes in base64url, sent only in an HttpOnly cookie. Each
-- session carries its own CSRF token, which every back-office form repeats.
create table sessions (
  id text primary key,
  user_id uuid not null references users(id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expiry_idx on sessions (expires_at);

-- Keyset pagination of the case list, newest start first, and its status filter.
create index cases_started_idx on cases (started_at desc, workflow_id desc);
create index cases_status_started_idx on cases (status, started_at desc, workflow_id desc);
create index cases_next_action_idx on cases (next_action_at) where terminal_state is null;

-- Dashboard series: payments per week, e-mails per channel and week, carbon lines per
-- week, case events by type (promises made, disputes opened and resolved).
create index payments_received_idx on payments (received_on);
create index messages_sent_idx on messages (channel, sent_at);
create index carbon_ledger_recorded_idx on carbon_ledger (recorded_at);
create index case_events_type_idx on case_events (type, occurred_at);
create index tasks_assignee_idx on tasks (assignee, status, due_at) where status = 'open';
create index customers_lower_name_idx on customers (lower(name) text_pattern_ops);
create index invoices_customer_idx on invoices (customer_id);
