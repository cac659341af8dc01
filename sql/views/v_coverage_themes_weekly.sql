-- Tagged articles per ISO week x outlet x theme (an article with two themes counts for both).
CREATE OR REPLACE VIEW v_coverage_themes_weekly AS
WITH source AS (
    SELECT week, outlet_id, topic, unnest(themes) AS theme FROM v_topic_articles WHERE relevance <> 'none'
),
final AS (
    SELECT week, outlet_id, topic, theme, count(*) AS articles FROM source GROUP BY ALL
)
SELECT * FROM final ORDER BY week, outlet_id, theme;
