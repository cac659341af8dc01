-- Per-article entity tables, the base of the entity views: one row per article and entity
-- (entity_articles) and per article and pair of entities (entity_comentions), with the article's
-- Amsterdam day and week. The views then aggregate these rows instead of joining a million
-- mentions to a million articles (or mentions to mentions) on every query.
-- Only articles an analyst counts (status ok or paywalled) and linked entities. Rebuilt for every
-- article a load writes or re-analyses, in the same transaction (sql/refresh/entity_tables.sql, run
-- by Store.load_batch), so a new status, publication time or set of mentions shows at once.
-- Derived data: dropped and rebuilt from what is stored, so applying this twice gives the same tables.

DROP TABLE IF EXISTS entity_articles;
CREATE TABLE entity_articles (
    article_id  VARCHAR NOT NULL,
    entity_id   VARCHAR NOT NULL,
    outlet_id   VARCHAR NOT NULL,
    day         DATE,                        -- Amsterdam calendar day of publication; NULL: unknown
    week        DATE,                        -- its ISO week (Monday)
    mentions    INTEGER NOT NULL,            -- how often the article names the entity
    PRIMARY KEY (article_id, entity_id)
);

DROP TABLE IF EXISTS entity_comentions;
CREATE TABLE entity_comentions (
    article_id     VARCHAR NOT NULL,
    week           DATE,                     -- ISO week (Monday) of publication, Amsterdam calendar
    entity_a       VARCHAR NOT NULL,         -- entity_a < entity_b: each unordered pair once
    entity_b       VARCHAR NOT NULL,
    same_sentence  BOOLEAN NOT NULL,         -- both named in one sentence of one field of the article
    PRIMARY KEY (article_id, entity_a, entity_b)
);

-- the staging view does not exist yet while the schema is applied: the same calendar, row by row
CREATE TEMP TABLE usable_articles AS
SELECT id AS article_id, outlet_id,
       CAST(timezone('Europe/Amsterdam', published_at) AS DATE) AS day,
       CAST(date_trunc('week', timezone('Europe/Amsterdam', published_at)) AS DATE) AS week
FROM articles WHERE status IN ('ok', 'paywalled');

INSERT INTO entity_articles
SELECT m.article_id, m.entity_id, any_value(u.outlet_id), any_value(u.day), any_value(u.week), count(*)
FROM entity_mentions m JOIN usable_articles u USING (article_id)
WHERE m.entity_id IS NOT NULL
GROUP BY m.article_id, m.entity_id;

INSERT INTO entity_comentions
WITH source AS (
    SELECT DISTINCT m.article_id, u.week, m.field, m.sentence, m.entity_id
    FROM entity_mentions m JOIN usable_articles u USING (article_id)
    WHERE m.entity_id IS NOT NULL
)
SELECT a.article_id, a.week, a.entity_id, b.entity_id, bool_or(a.field = b.field AND a.sentence = b.sentence)
FROM source a JOIN source b ON a.article_id = b.article_id AND a.entity_id < b.entity_id
GROUP BY ALL;

DROP TABLE usable_articles;
