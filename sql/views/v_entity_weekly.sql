-- Per entity per ISO week: mentions and distinct articles (an article counts once however often it names it).
CREATE OR REPLACE VIEW v_entity_weekly AS
WITH source AS (SELECT week, entity_id, entity, entity_type, article_id, outlet_id FROM v_entity_mentions),
per_article AS (
    -- one row per article and entity first: the distinct counts below then count rows, not mentions
    SELECT week, entity_id, article_id, any_value(outlet_id) AS outlet_id, any_value(entity) AS entity,
           any_value(entity_type) AS entity_type, count(*) AS mentions
    FROM source GROUP BY week, entity_id, article_id
),
final AS (
    SELECT week, entity_id, any_value(entity) AS entity, any_value(entity_type) AS entity_type,
           sum(mentions) AS mentions, count(*) AS articles, count(DISTINCT outlet_id) AS outlets
    FROM per_article GROUP BY week, entity_id
)
SELECT * FROM final ORDER BY week, articles DESC;
