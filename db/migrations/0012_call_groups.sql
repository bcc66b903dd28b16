-- A collector calls a customer once about every invoice whose call falls due, so the
-- open call tasks of one customer form a group. Each invoice keeps its own task row,
-- which its case is signalled from, and group_id points at the task that leads the
-- group. The leader's own group_id stays null, so a task without a group is its own
-- leader: coalesce(group_id, id) names a task's group.
alter table tasks add column group_id uuid references tasks(id);

create index tasks_group_idx on tasks (group_id) where group_id is not null;
-- Finds a customer's open call or visit when a new one is inserted.
create index tasks_customer_open_idx on tasks (customer_id, kind) where status = 'open';
