-- Revisits: an article younger than the revisit window (settings: ingest.revisit_window_h, 48 h) is
-- fetched again on a decaying schedule after its first fetch (ingest.revisit_after_h: 1, 3, 12, 24,
-- 48 h) with a conditional GET; a changed body becomes a new version. The page's validators are
-- kept here for that GET. Articles stored before this file and fetched within the last 48 hours
-- start their schedule now.
CREATE TABLE IF NOT EXISTS article_revisits (
    article_id        VARCHAR PRIMARY KEY,
    url               VARCHAR NOT NULL,          -- what is fetched again (redirects are followed)
    first_fetched_at  TIMESTAMPTZ NOT NULL,      -- the schedule counts from here
    revisits          INTEGER NOT NULL,          -- revisits done
    next_revisit_at   TIMESTAMPTZ,               -- NULL: the schedule is done
    etag              VARCHAR,
    last_modified     VARCHAR,
    last_revisit_at   TIMESTAMPTZ,
    last_outcome      VARCHAR                    -- unchanged | changed | not_modified | failed: <error>
);

INSERT INTO article_revisits
SELECT id, url, fetched_at, 0, fetched_at + INTERVAL 1 HOUR, NULL, NULL, NULL, NULL FROM articles
WHERE fetched_at > now() - INTERVAL 48 HOUR
ON CONFLICT DO NOTHING;
