-- Pairs of entities named together, per ISO week: in the same article and in the same sentence.
-- Each unordered pair appears once (entity_a < entity_b). Reads entity_comentions, one row per usable
-- article and pair with its week, kept up to date at every load (sql/schema/006_entity_tables.sql).
CREATE OR REPLACE VIEW v_entity_comentions_weekly AS
WITH source AS (
    SELECT week, entity_a, entity_b, same_sentence FROM entity_comentions
),
weekly AS (
    SELECT week, entity_a, entity_b,
           count(*) AS articles,                                  -- articles naming both
           count(*) FILTER (WHERE same_sentence) AS articles_same_sentence  -- of which: both in one sentence
    FROM source GROUP BY ALL
),
final AS (
    SELECT w.week, w.entity_a, ea.name_nl AS name_a, w.entity_b, eb.name_nl AS name_b,
           w.articles, w.articles_same_sentence
    FROM weekly w JOIN entities ea ON ea.id = w.entity_a JOIN entities eb ON eb.id = w.entity_b
)
SELECT * FROM final ORDER BY week, articles DESC;
