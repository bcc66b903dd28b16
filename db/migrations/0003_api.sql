-- API keys, idempotent POST replays and outgoing webhooks.

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  key_hash text not null unique,
  scopes text[] not null,
  rate_limit_per_minute integer not null default 600,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

create table idempotent_requests (
  api_key_id uuid not null,
  idempotency_key text not null,
  method text not null,
  path text not null,
  request_hash text not null,
  status_code integer,
  response_body jsonb,
  created_at timestamptz not null default now(),
  primary key (api_key_id, idempotency_key)
);
