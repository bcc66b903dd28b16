-- Whether a customer's reminders due in the same send slot go out as one e-mail listing
-- every invoice (the default), or one e-mail per invoice.
alter table customers add column group_reminders boolean not null default true;

-- Finds the message that already carried an invoice's step, so a repeated request sends nothing.
create index message_invoices_step_idx on message_invoices (invoice_id, step_key);
