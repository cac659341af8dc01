-- One row per entity per Amsterdam calendar day with at least one mention: the entity's timeline.
CREATE OR REPLACE VIEW v_entity_timeline AS
WITH source AS (SELECT day, entity_id, entity, article_id, outlet_id FROM v_entity_mentions),
final AS (
    SELECT day, entity_id, any_value(entity) AS entity,
           count(DISTINCT article_id) AS articles, count(*) AS mentions,
           list(DISTINCT outlet_id ORDER BY outlet_id) AS outlets
    FROM source GROUP BY ALL
)
SELECT * FROM final ORDER BY entity_id, day;
