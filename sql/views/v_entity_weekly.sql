-- Per entity per ISO week: mentions and distinct articles (an article counts once however often it names it).
CREATE OR REPLACE VIEW v_entity_weekly AS
WITH source AS (SELECT * FROM v_entity_mentions),
final AS (
    SELECT week, entity_id, any_value(entity) AS entity, any_value(entity_type) AS entity_type,
           count(*) AS mentions, count(DISTINCT article_id) AS articles, count(DISTINCT outlet_id) AS outlets
    FROM source GROUP BY week, entity_id
)
SELECT * FROM final ORDER BY week, articles DESC;
