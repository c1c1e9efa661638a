-- The pruning task deletes finished messages (delivered or given up) by age, oldest first,
-- one channel at a time (see src/outbox/prune.rs).
CREATE INDEX outbox_age ON outbox (channel, status, created_at);
