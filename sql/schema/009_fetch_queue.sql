-- The fetch queue: every page a feed announced stays in fetch_failures until it is stored or given
-- up, whether or not the feed still lists it (newsmon.retry has the rules). A row names the kind of
-- its last failure and, once given up, when; hosts that fail transiently back off as a whole.
ALTER TABLE fetch_failures ADD COLUMN IF NOT EXISTS kind VARCHAR;          -- transient | permanent | disallowed | failed | deferred
ALTER TABLE fetch_failures ADD COLUMN IF NOT EXISTS host VARCHAR;          -- host of the url, without www.
ALTER TABLE fetch_failures ADD COLUMN IF NOT EXISTS given_up_at TIMESTAMPTZ;  -- NULL: still queued

-- rows from before this file: the kind their status implies; the third failure used to be final,
-- except for transient ones, which now wait out their 72 hours
UPDATE fetch_failures SET
    kind = CASE WHEN http_status = 429 OR http_status BETWEEN 500 AND 599 OR error LIKE 'timed out%'
                     OR error LIKE 'robots.txt unavailable%' THEN 'transient'
                WHEN http_status IN (404, 410) OR error LIKE 'not an HTML page%' THEN 'permanent'
                WHEN error LIKE 'disallowed by%' THEN 'disallowed'
                ELSE 'failed' END,
    host = regexp_replace(lower(regexp_extract(url, '^[a-zA-Z]+://(?:[^@/]*@)?([^/:?#]+)', 1)), '^www\.', '');
UPDATE fetch_failures SET given_up_at = last_failed_at, next_attempt_at = NULL
WHERE kind = 'permanent' OR (kind = 'failed' AND attempts >= 3);

CREATE TABLE IF NOT EXISTS host_backoff (
    host             VARCHAR PRIMARY KEY,
    failures         INTEGER NOT NULL,        -- batches in a row in which its pages failed transiently
    first_failed_at  TIMESTAMPTZ NOT NULL,
    last_failed_at   TIMESTAMPTZ NOT NULL,
    next_attempt_at  TIMESTAMPTZ NOT NULL,    -- its pages wait until then (Retry-After honoured)
    last_error       VARCHAR NOT NULL
);
