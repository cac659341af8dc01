-- Per entity per ISO week: mentions and distinct articles (an article counts once however often it names it).
-- Reads entity_articles, one row per usable article and entity, kept up to date at every load.
CREATE OR REPLACE VIEW v_entity_weekly AS
WITH source AS (SELECT week, entity_id, outlet_id, mentions FROM entity_articles),
weekly AS (
    SELECT week, entity_id, sum(mentions)::BIGINT AS mentions, count(*) AS articles,
           count(DISTINCT outlet_id) AS outlets
    FROM source GROUP BY week, entity_id
),
final AS (
    SELECT w.week, w.entity_id, e.name_nl AS entity, e.type AS entity_type, w.mentions, w.articles, w.outlets
    FROM weekly w JOIN entities e ON e.id = w.entity_id
)
SELECT * FROM final ORDER BY week, articles DESC;
