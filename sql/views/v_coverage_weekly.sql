-- Topic coverage per ISO week x outlet x level, zero-filled over the weeks from the first to the last
-- publication day (spike flags: coverage_spikes()). Counted per week directly: the same numbers as
-- summing v_coverage_daily, without building the daily grid.
CREATE OR REPLACE VIEW v_coverage_weekly AS
WITH source AS (
    SELECT week, outlet_id, topic, relevance FROM v_topic_articles WHERE relevance <> 'none'
),
grid AS (
    SELECT w.week, o.id AS outlet_id, tp.topic, l.relevance
    FROM (SELECT DISTINCT week FROM stg_publication_days) w
    CROSS JOIN outlets o
    CROSS JOIN (SELECT DISTINCT topic FROM article_topics) tp
    CROSS JOIN (VALUES ('primary'), ('secondary'), ('mention')) l(relevance)
),
counts AS (
    SELECT week, outlet_id, topic, relevance, count(*) AS articles FROM source GROUP BY ALL
),
final AS (
    SELECT g.week, g.outlet_id, g.topic, g.relevance, coalesce(c.articles, 0)::INTEGER AS articles
    FROM grid g LEFT JOIN counts c USING (week, outlet_id, topic, relevance)
)
SELECT * FROM final;
