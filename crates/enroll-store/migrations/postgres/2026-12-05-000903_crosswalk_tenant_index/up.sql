-- SQLite only: its partial index on tenant rows made crosswalk lookups re-prepare (see the
-- SQLite migration). PostgreSQL plans prepared statements otherwise; its index stays.
SELECT 1;
