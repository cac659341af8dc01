-- A page that could not be fetched is tried again after 1 h, then 4 h (not on every run): a site
-- that is down or rate-limiting gets time to recover. NULL for rows written before this column.
ALTER TABLE fetch_failures ADD COLUMN IF NOT EXISTS next_attempt_at TIMESTAMPTZ;
