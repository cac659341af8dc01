-- Pages that answered with a consent or login wall instead of the article. Never stored as an
-- article; retried with backoff (1 h, 4 h, then every 24 h) until the article itself comes back.
CREATE TABLE IF NOT EXISTS consent_walls (
    article_id        VARCHAR PRIMARY KEY,
    url               VARCHAR NOT NULL,          -- the link that was fetched
    final_url         VARCHAR NOT NULL,          -- where the fetch ended: the wall's own address
    feed_id           VARCHAR NOT NULL,
    guid              VARCHAR,
    feed_title        VARCHAR,
    feed_published_at TIMESTAMPTZ,
    attempts          INTEGER NOT NULL,
    first_seen_at     TIMESTAMPTZ NOT NULL,
    last_seen_at      TIMESTAMPTZ NOT NULL,
    http_status       INTEGER,
    reason            VARCHAR NOT NULL,          -- what gave the wall away (redirect host, page markers)
    next_attempt_at   TIMESTAMPTZ NOT NULL,
    last_run_id       VARCHAR NOT NULL
);

-- Stored pages whose status may change on a later fetch (empty, live): fetched again after 1 h,
-- 4 h and 24 h, then left as they are.
CREATE TABLE IF NOT EXISTS article_refetch (
    article_id     VARCHAR PRIMARY KEY,
    status         VARCHAR NOT NULL,             -- the status of the last fetch
    attempts       INTEGER NOT NULL,             -- fetches with this kind of status so far
    next_fetch_at  TIMESTAMPTZ                   -- NULL: no more refetches
);
