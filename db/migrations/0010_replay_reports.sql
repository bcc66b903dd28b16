-- Reports of receivables histories replayed through the dunning engine: the figures as
-- JSON (validated by replay/report/schema.ts when read back) and the markdown rendered
-- when the report was saved.

create table replay_reports (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  -- Files or data sets the replayed history came from.
  sources text[] not null,
  period_from date not null,
  period_to date not null,
  report jsonb not null,
  markdown text not null,
  check (period_from <= period_to)
);
create index replay_reports_created_idx on replay_reports (created_at desc, id desc);
