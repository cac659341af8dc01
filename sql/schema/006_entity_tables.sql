-- Pairs of linked entities named in the same article: the base of v_entity_comentions_weekly, kept
-- here so that the view aggregates one row per article and pair instead of joining mentions to
-- mentions over the whole archive. Rebuilt for every article whose mentions are (re)loaded, in the
-- same transaction as the mentions (sql/refresh/entity_comentions.sql, run by Store.load_batch).
-- Idempotent: the backfill below fills it once from the mentions already stored.

CREATE TABLE IF NOT EXISTS entity_comentions (
    article_id     VARCHAR NOT NULL,
    entity_a       VARCHAR NOT NULL,         -- entity_a < entity_b: each unordered pair once
    entity_b       VARCHAR NOT NULL,
    same_sentence  BOOLEAN NOT NULL,         -- both named in one sentence of one field of the article
    PRIMARY KEY (article_id, entity_a, entity_b)
);

INSERT INTO entity_comentions
WITH source AS (
    SELECT DISTINCT article_id, field, sentence, entity_id FROM entity_mentions WHERE entity_id IS NOT NULL
),
final AS (
    SELECT a.article_id, a.entity_id AS entity_a, b.entity_id AS entity_b,
           bool_or(a.field = b.field AND a.sentence = b.sentence) AS same_sentence
    FROM source a JOIN source b ON a.article_id = b.article_id AND a.entity_id < b.entity_id
    GROUP BY ALL
)
SELECT * FROM final
ON CONFLICT DO NOTHING;
