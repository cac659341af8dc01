-- Article identity beyond the feed link. An article is the same when its GUID (per feed), its
-- canonical URL (from the page) or its normalised link matches a stored one; the id of a new
-- article is still the hash of its first normalised link, so every existing id stays valid.
--   article_urls:    every normalised URL known to lead to an article (feed links, the page's
--                    canonical URL, where redirects ended). First claim wins.
--   article_guids:   the GUID a feed gave an article.
--   article_sources: one row per link under which a feed carried the article, so an edited slug
--                    is a new row (and a URL alias), not a new article.
-- Articles stored twice before this file (two ids with one page canonical URL, or one GUID and
-- publication time in one feed) are merged into the one fetched first: every body becomes a
-- version of it, the sources and links of the other id point at it, and the derived rows of the
-- body that stays current are kept.

CREATE TABLE article_sources_by_link (
    article_id    VARCHAR NOT NULL,
    feed_id       VARCHAR NOT NULL,
    entry_url     VARCHAR NOT NULL,              -- link exactly as in the feed (tracking params included)
    guid          VARCHAR,
    feed_title    VARCHAR,
    feed_published_at TIMESTAMPTZ,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, feed_id, entry_url)
);
INSERT INTO article_sources_by_link SELECT * FROM article_sources;
DROP TABLE article_sources;
ALTER TABLE article_sources_by_link RENAME TO article_sources;

CREATE TABLE IF NOT EXISTS article_urls (
    url            VARCHAR PRIMARY KEY,          -- normalised (newsmon.urls.canonical_url)
    article_id     VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,             -- link | page_canonical | final_url
    first_seen_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS article_guids (
    feed_id        VARCHAR NOT NULL,
    guid           VARCHAR NOT NULL,
    article_id     VARCHAR NOT NULL,
    first_seen_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (feed_id, guid)
);

-- --- duplicates stored before this file ------------------------------------------------------
CREATE TEMP TABLE first_fetch AS
SELECT a.id, coalesce(min(v.fetched_at), a.fetched_at) AS first_at
FROM articles a LEFT JOIN article_versions v ON v.article_id = a.id GROUP BY a.id, a.fetched_at;

CREATE TEMP TABLE dup_keys AS
SELECT 'page:' || page_canonical_url AS key, id FROM articles WHERE page_canonical_url IS NOT NULL
UNION
SELECT DISTINCT 'guid:' || feed_id || ' ' || guid || ' ' || coalesce(CAST(feed_published_at AS VARCHAR), ''), article_id
FROM article_sources WHERE guid IS NOT NULL;

-- each article that shares a key with an earlier-fetched one goes to the earliest of its keys
CREATE TEMP TABLE merged_into AS
WITH keep_per_key AS (
    SELECT k.key, arg_min(k.id, (f.first_at, k.id)) AS keep_id, min((f.first_at, k.id)) AS keep_rank
    FROM dup_keys k JOIN first_fetch f USING (id) GROUP BY k.key HAVING count(DISTINCT k.id) > 1
)
SELECT k.id AS drop_id, arg_min(p.keep_id, p.keep_rank) AS keep_id
FROM dup_keys k JOIN keep_per_key p USING (key)
WHERE k.id <> p.keep_id
GROUP BY k.id;
-- a kept article is never itself dropped (chains go to the end of the chain)
UPDATE merged_into SET keep_id = m2.keep_id FROM merged_into m2 WHERE merged_into.keep_id = m2.drop_id;

CREATE TEMP TABLE merge_groups AS
SELECT drop_id AS member, keep_id FROM merged_into
UNION SELECT DISTINCT keep_id, keep_id FROM merged_into;

-- the row that stays current: the group's latest fetch
CREATE TEMP TABLE merge_current AS
SELECT g.keep_id, arg_max(a.id, (a.fetched_at, a.id)) AS current_id
FROM merge_groups g JOIN articles a ON a.id = g.member GROUP BY g.keep_id;

-- every distinct body of the group, in order of fetching, as versions of the kept id
CREATE TEMP TABLE merged_versions AS
WITH bodies AS (
    SELECT g.keep_id, v.content_sha256, v.raw_sha256, v.fetched_at, v.title, v.body
    FROM merge_groups g JOIN article_versions v ON v.article_id = g.member
    QUALIFY row_number() OVER (PARTITION BY g.keep_id, v.content_sha256 ORDER BY v.fetched_at, v.version) = 1
)
SELECT keep_id AS article_id, CAST(row_number() OVER (PARTITION BY keep_id ORDER BY fetched_at) AS INTEGER)
       AS version, content_sha256, raw_sha256, fetched_at, title, body
FROM bodies;

DELETE FROM article_versions WHERE article_id IN (SELECT member FROM merge_groups);
INSERT INTO article_versions SELECT * FROM merged_versions;

CREATE TEMP TABLE merged_articles AS
SELECT a.* REPLACE (
    c.keep_id AS id,
    (SELECT max(version) FROM merged_versions v WHERE v.article_id = c.keep_id
       AND v.content_sha256 = a.content_sha256) AS version,
    (SELECT first_run_id FROM articles k WHERE k.id = c.keep_id) AS first_run_id,
    (SELECT url FROM articles k WHERE k.id = c.keep_id) AS url,
    (SELECT canonical_url FROM articles k WHERE k.id = c.keep_id) AS canonical_url
)
FROM merge_current c JOIN articles a ON a.id = c.current_id;
CREATE TEMP TABLE dropped_links AS
SELECT m.keep_id, a.canonical_url, a.page_canonical_url, a.fetched_at
FROM merged_into m JOIN articles a ON a.id = m.drop_id;
DELETE FROM articles WHERE id IN (SELECT member FROM merge_groups);
INSERT INTO articles SELECT * FROM merged_articles;

INSERT INTO article_sources
SELECT g.keep_id, s.feed_id, s.entry_url, any_value(s.guid), any_value(s.feed_title), min(s.feed_published_at),
       min(s.first_seen_at), max(s.last_seen_at)
FROM merge_groups g JOIN article_sources s ON s.article_id = g.member AND g.member <> g.keep_id
GROUP BY ALL
ON CONFLICT (article_id, feed_id, entry_url) DO UPDATE SET first_seen_at = least(article_sources.first_seen_at, excluded.first_seen_at),
                          last_seen_at = greatest(article_sources.last_seen_at, excluded.last_seen_at);
DELETE FROM article_sources WHERE article_id IN (SELECT drop_id FROM merged_into);

-- derived rows: those of the body that stays current, under the kept id
CREATE TEMP TABLE derived_from AS
SELECT g.member, g.keep_id, g.member = c.current_id AS current
FROM merge_groups g JOIN merge_current c USING (keep_id);
DELETE FROM entity_mentions WHERE article_id IN (SELECT member FROM derived_from WHERE NOT current);
DELETE FROM article_topics WHERE article_id IN (SELECT member FROM derived_from WHERE NOT current);
DELETE FROM events WHERE article_id IN (SELECT member FROM derived_from WHERE NOT current);
DELETE FROM entity_articles WHERE article_id IN (SELECT member FROM derived_from WHERE NOT current);
DELETE FROM entity_comentions WHERE article_id IN (SELECT member FROM derived_from WHERE NOT current);
CREATE TEMP TABLE moved_ids AS SELECT member, keep_id FROM derived_from WHERE current AND member <> keep_id;
INSERT INTO entity_mentions SELECT m.* REPLACE (i.keep_id AS article_id)
    FROM entity_mentions m JOIN moved_ids i ON i.member = m.article_id;
DELETE FROM entity_mentions WHERE article_id IN (SELECT member FROM moved_ids);
INSERT INTO article_topics SELECT t.* REPLACE (i.keep_id AS article_id)
    FROM article_topics t JOIN moved_ids i ON i.member = t.article_id;
DELETE FROM article_topics WHERE article_id IN (SELECT member FROM moved_ids);
INSERT INTO events SELECT e.* REPLACE (i.keep_id AS article_id) FROM events e JOIN moved_ids i ON i.member = e.article_id;
DELETE FROM events WHERE article_id IN (SELECT member FROM moved_ids);
INSERT INTO entity_articles SELECT e.* REPLACE (i.keep_id AS article_id)
    FROM entity_articles e JOIN moved_ids i ON i.member = e.article_id;
DELETE FROM entity_articles WHERE article_id IN (SELECT member FROM moved_ids);
INSERT INTO entity_comentions SELECT e.* REPLACE (i.keep_id AS article_id)
    FROM entity_comentions e JOIN moved_ids i ON i.member = e.article_id;
DELETE FROM entity_comentions WHERE article_id IN (SELECT member FROM moved_ids);
DELETE FROM fetch_failures WHERE article_id IN (SELECT drop_id FROM merged_into);
DELETE FROM consent_walls WHERE article_id IN (SELECT drop_id FROM merged_into);
DELETE FROM article_refetch WHERE article_id IN (SELECT drop_id FROM merged_into);

-- --- the identity tables, from what is stored ---------------------------------------------------
INSERT INTO article_urls
SELECT canonical_url, id, 'link', fetched_at FROM articles ON CONFLICT DO NOTHING;
INSERT INTO article_urls  -- the merged ids' own links lead to the article they were merged into
SELECT canonical_url, keep_id, 'link', fetched_at FROM dropped_links ON CONFLICT DO NOTHING;
INSERT INTO article_urls
SELECT page_canonical_url, id, 'page_canonical', fetched_at FROM articles
WHERE page_canonical_url IS NOT NULL ON CONFLICT DO NOTHING;
INSERT INTO article_urls
SELECT page_canonical_url, keep_id, 'page_canonical', fetched_at FROM dropped_links
WHERE page_canonical_url IS NOT NULL ON CONFLICT DO NOTHING;
INSERT INTO article_guids
SELECT feed_id, guid, arg_min(article_id, first_seen_at), min(first_seen_at)
FROM article_sources WHERE guid IS NOT NULL GROUP BY feed_id, guid
ON CONFLICT DO NOTHING;

DROP TABLE first_fetch;
DROP TABLE dup_keys;
DROP TABLE merge_groups;
DROP TABLE merge_current;
DROP TABLE merged_versions;
DROP TABLE merged_articles;
DROP TABLE derived_from;
DROP TABLE moved_ids;
DROP TABLE merged_into;
DROP TABLE dropped_links;
