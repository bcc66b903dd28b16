-- Reminder e-mails that a customer's mailbox stores as 'queued' and the send slot's
-- dispatcher sends in batches through the provider's POST /emails/batch. A queued row
-- keeps everything the request needs, so that a retried batch posts the same payload
-- under the same idempotency key.

-- The From header and the To addresses, as posted to the provider.
alter table messages add column sender text;
alter table messages add column recipients text[];
-- Idempotency key of the batch request that carries the message. It is set once, before
-- the request, so a message belongs to one batch only, whatever retries follow.
alter table messages add column batch_key text;
-- Set when a strictly validated batch was rejected as a whole: the message is then sent
-- by itself under its own idempotency key, so one invalid address costs only its own e-mail.
alter table messages add column send_alone boolean not null default false;

create index messages_queued_idx on messages (sent_at) where status = 'queued';
create index messages_batch_key_idx on messages (batch_key) where batch_key is not null;
