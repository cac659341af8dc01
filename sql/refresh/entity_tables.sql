-- Rebuild entity_comentions for the articles of the batch being loaded (staging frame b_enriched),
-- after their mentions were replaced; runs inside the load's transaction.
DELETE FROM entity_comentions WHERE article_id IN (SELECT article_id FROM b_enriched);

INSERT INTO entity_comentions
WITH source AS (
    SELECT DISTINCT m.article_id, m.field, m.sentence, m.entity_id
    FROM entity_mentions m JOIN b_enriched b ON b.article_id = m.article_id
    WHERE m.entity_id IS NOT NULL
),
final AS (
    SELECT a.article_id, a.entity_id AS entity_a, b.entity_id AS entity_b,
           bool_or(a.field = b.field AND a.sentence = b.sentence) AS same_sentence
    FROM source a JOIN source b ON a.article_id = b.article_id AND a.entity_id < b.entity_id
    GROUP BY ALL
)
SELECT * FROM final;
