-- Core ingest tables. Idempotent: every statement can run twice.
-- Timestamps are TIMESTAMPTZ (UTC in, shown in the session time zone).

CREATE TABLE IF NOT EXISTS outlets (
    id        VARCHAR PRIMARY KEY,          -- short slug from config/feeds.yaml, e.g. 'nos'
    name      VARCHAR NOT NULL,
    country   VARCHAR NOT NULL,             -- NL | BE | other
    homepage  VARCHAR
);

CREATE TABLE IF NOT EXISTS feeds (
    id                    VARCHAR PRIMARY KEY,   -- '<outlet>/<name>'
    outlet_id             VARCHAR NOT NULL,
    name                  VARCHAR NOT NULL,
    url                   VARCHAR NOT NULL,
    section               VARCHAR,
    language              VARCHAR NOT NULL,
    enabled               BOOLEAN NOT NULL,
    -- poll state: what the next conditional GET sends, and when to try again
    etag                  VARCHAR,
    last_modified         VARCHAR,
    body_sha256           VARCHAR,               -- hash of the last body: the dependable "unchanged" test
    last_polled_at        TIMESTAMPTZ,
    last_success_at       TIMESTAMPTZ,
    last_new_items_at     TIMESTAMPTZ,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    last_error            VARCHAR,
    next_poll_at          TIMESTAMPTZ,
    poll_interval_s       INTEGER                -- current interval between polls, seconds
);

CREATE TABLE IF NOT EXISTS feed_polls (
    run_id        VARCHAR NOT NULL,
    feed_id       VARCHAR NOT NULL,
    polled_at     TIMESTAMPTZ NOT NULL,
    http_status   INTEGER,                       -- NULL when no response arrived
    outcome       VARCHAR NOT NULL,              -- ok | not_modified | unchanged | failed
    items         INTEGER NOT NULL,              -- entries with a usable link
    new_items     INTEGER NOT NULL,              -- entries whose article was not yet stored
    skipped_items INTEGER NOT NULL,              -- entries without a usable link
    duration_ms   INTEGER NOT NULL,
    warning       VARCHAR,                       -- e.g. feedparser's bozo message
    error         VARCHAR,
    PRIMARY KEY (run_id, feed_id)
);

CREATE TABLE IF NOT EXISTS articles (
    id                 VARCHAR PRIMARY KEY,      -- sha256 of the canonical URL, 16 hex digits
    url                VARCHAR NOT NULL,         -- the URL first seen (as in the feed)
    canonical_url      VARCHAR NOT NULL,
    page_canonical_url VARCHAR,                  -- <link rel=canonical> of the page, same host only
    outlet_id          VARCHAR NOT NULL,
    title              VARCHAR,
    lead               VARCHAR,
    author             VARCHAR,
    section            VARCHAR,
    published_at       TIMESTAMPTZ,
    published_source   VARCHAR NOT NULL,         -- feed | jsonld | meta | url | fetched
    fetched_at         TIMESTAMPTZ NOT NULL,
    language           VARCHAR,                  -- ISO 639-1 as detected from the body
    body               VARCHAR NOT NULL,
    word_count         INTEGER NOT NULL,
    content_sha256     VARCHAR NOT NULL,         -- hash of title + body: changes when the text changes
    raw_sha256         VARCHAR,                  -- key of the raw page in the archive
    http_status        INTEGER,
    status             VARCHAR NOT NULL,         -- ok | empty | paywalled | not_article | not_dutch
    notes              VARCHAR,                  -- extraction remarks, e.g. a rejected future date
    extractor_version  VARCHAR NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,  -- bumps when a refetch brings a new body
    first_run_id       VARCHAR NOT NULL,
    last_run_id        VARCHAR NOT NULL
);

-- Every body an article has had; the current one is also in articles.
CREATE TABLE IF NOT EXISTS article_versions (
    article_id      VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    content_sha256  VARCHAR NOT NULL,
    raw_sha256      VARCHAR,
    fetched_at      TIMESTAMPTZ NOT NULL,
    title           VARCHAR,
    body            VARCHAR NOT NULL,
    PRIMARY KEY (article_id, version)
);

-- Which feed(s) carried an article, and under which link and date.
CREATE TABLE IF NOT EXISTS article_sources (
    article_id    VARCHAR NOT NULL,
    feed_id       VARCHAR NOT NULL,
    entry_url     VARCHAR NOT NULL,              -- link exactly as in the feed (tracking params included)
    guid          VARCHAR,
    feed_title    VARCHAR,
    feed_published_at TIMESTAMPTZ,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, feed_id)
);

-- Pages that could not be fetched: retried on later runs (up to a limit), never silently dropped.
CREATE TABLE IF NOT EXISTS fetch_failures (
    article_id        VARCHAR PRIMARY KEY,
    url               VARCHAR NOT NULL,
    feed_id           VARCHAR NOT NULL,
    guid              VARCHAR,
    feed_title        VARCHAR,
    feed_published_at TIMESTAMPTZ,
    attempts          INTEGER NOT NULL,
    first_failed_at   TIMESTAMPTZ NOT NULL,
    last_failed_at    TIMESTAMPTZ NOT NULL,
    http_status       INTEGER,
    error             VARCHAR NOT NULL,
    last_run_id       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS runs (
    id            VARCHAR PRIMARY KEY,
    mode          VARCHAR NOT NULL,              -- flow | inprocess
    config_dir    VARCHAR NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    status        VARCHAR NOT NULL,              -- running | completed | failed
    feeds_polled  INTEGER,
    feeds_failed  INTEGER,
    new_articles  INTEGER,
    skipped       INTEGER,                       -- entries already stored
    failed        INTEGER,                       -- pages that could not be fetched or extracted
    summary       JSON
);
