-- Pairs of entities named together, per ISO week: in the same article and in the same sentence.
-- Each unordered pair appears once (entity_a < entity_b).
CREATE OR REPLACE VIEW v_entity_comentions_weekly AS
WITH source AS (
    SELECT DISTINCT article_id, week, field, sentence, entity_id, entity FROM v_entity_mentions
),
article_pairs AS (
    SELECT DISTINCT a.week, a.article_id, a.entity_id AS entity_a, b.entity_id AS entity_b,
           a.entity AS name_a, b.entity AS name_b
    FROM source a JOIN source b ON a.article_id = b.article_id AND a.entity_id < b.entity_id
),
sentence_pairs AS (
    SELECT DISTINCT a.article_id, a.entity_id AS entity_a, b.entity_id AS entity_b
    FROM source a JOIN source b
      ON a.article_id = b.article_id AND a.field = b.field AND a.sentence = b.sentence AND a.entity_id < b.entity_id
),
final AS (
    SELECT p.week, p.entity_a, any_value(p.name_a) AS name_a, p.entity_b, any_value(p.name_b) AS name_b,
           count(*) AS articles,                                  -- articles naming both
           count(s.article_id) AS articles_same_sentence          -- of which: both in one sentence
    FROM article_pairs p
    LEFT JOIN sentence_pairs s USING (article_id, entity_a, entity_b)
    GROUP BY p.week, p.entity_a, p.entity_b
)
SELECT * FROM final ORDER BY week, articles DESC;
