-- The customer portal: one row per rendered form (anti-forgery and double-submit
-- protection), requests for a fresh link, and files customers attach to their answers.

-- A form can be submitted once. Its id is a random token rendered in the form; the
-- first submission claims it (used_at) and stores what happened, so a second click
-- shows the same outcome instead of acting twice.
create table portal_forms (
  id text primary key,
  customer_id uuid not null references customers(id) on delete cascade,
  purpose text not null check (purpose in ('promise', 'dispute', 'already_paid', 'link_request')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  outcome jsonb
);
create index portal_forms_expiry_idx on portal_forms (expires_at);

-- Fresh links sent by e-mail from the page of an expired or revoked link, counted to
-- rate-limit them per customer.
create table portal_link_requests (
  id bigserial primary key,
  customer_id uuid not null references customers(id) on delete cascade,
  requested_at timestamptz not null default now(),
  message_ids uuid[] not null default '{}'
);
create index portal_link_requests_customer_idx on portal_link_requests (customer_id, requested_at);

-- Files attached to a dispute or a proof of payment. They are stored under
-- DATA_DIR/attachments with a random name and never served back to the portal.
create table portal_attachments (
  id uuid primary key default gen_random_uuid(),
  form_id text not null references portal_forms(id),
  position integer not null,
  customer_id uuid not null references customers(id) on delete cascade,
  invoice_id uuid not null references invoices(id),
  purpose text not null check (purpose in ('dispute', 'payment_proof')),
  storage_name text not null unique,
  original_name text not null,
  media_type text not null check (media_type in ('application/pdf', 'image/png', 'image/jpeg')),
  size_bytes integer not null check (size_bytes > 0 and size_bytes <= 5242880),
  sha256 text not null,
  created_at timestamptz not null default now(),
  unique (form_id, position)
);
create index portal_attachments_invoice_idx on portal_attachments (invoice_id);
