DROP INDEX outbox_age;
