-- One row per entity per Amsterdam calendar day with at least one mention: the entity's timeline.
-- Reads entity_articles, one row per usable article and entity, kept up to date at every load.
CREATE OR REPLACE VIEW v_entity_timeline AS
WITH source AS (SELECT day, entity_id, outlet_id, mentions FROM entity_articles),
daily AS (
    SELECT day, entity_id, count(*) AS articles, sum(mentions)::BIGINT AS mentions,
           list(DISTINCT outlet_id ORDER BY outlet_id) AS outlets
    FROM source GROUP BY day, entity_id
),
final AS (
    SELECT d.day, d.entity_id, e.name_nl AS entity, d.articles, d.mentions, d.outlets
    FROM daily d JOIN entities e ON e.id = d.entity_id
)
SELECT * FROM final ORDER BY entity_id, day;
