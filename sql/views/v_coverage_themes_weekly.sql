-- Tagged articles per ISO week x outlet x theme (an article with two themes counts for both),
-- zero-filled over the weeks of v_coverage_weekly and the themes that occur.
CREATE OR REPLACE VIEW v_coverage_themes_weekly AS
WITH source AS (
    SELECT week, outlet_id, topic, unnest(themes) AS theme FROM v_topic_articles WHERE relevance <> 'none'
),
counts AS (
    SELECT week, outlet_id, topic, theme, count(*) AS articles FROM source GROUP BY ALL
),
grid AS (
    -- the (week, outlet, topic) rows of v_coverage_weekly, built from the same axis without its counts
    SELECT w.week, o.id AS outlet_id, t.topic, t.theme
    FROM (SELECT DISTINCT week FROM stg_publication_days) w
    CROSS JOIN outlets o
    CROSS JOIN (SELECT DISTINCT topic, theme FROM counts) t
    WHERE t.topic IN (SELECT topic FROM article_topics)
),
final AS (
    SELECT g.week, g.outlet_id, g.topic, g.theme, coalesce(c.articles, 0) AS articles
    FROM grid g LEFT JOIN counts c USING (week, outlet_id, topic, theme)
)
SELECT * FROM final ORDER BY week, outlet_id, theme;
