-- Topic coverage per day x outlet x level, zero-filled from the first to the last publication day,
-- so a quiet day shows as 0 instead of disappearing.
CREATE OR REPLACE VIEW v_coverage_daily AS
WITH source AS (
    SELECT day, outlet_id, topic, relevance FROM v_topic_articles WHERE relevance <> 'none'
),
grid AS (
    SELECT d.day, o.id AS outlet_id, tp.topic, l.relevance
    FROM stg_publication_days d
    CROSS JOIN outlets o
    CROSS JOIN (SELECT DISTINCT topic FROM article_topics) tp
    CROSS JOIN (VALUES ('primary'), ('secondary'), ('mention')) l(relevance)
),
counts AS (
    SELECT day, outlet_id, topic, relevance, count(*) AS articles FROM source GROUP BY ALL
),
final AS (
    SELECT g.day, g.outlet_id, g.topic, g.relevance, coalesce(c.articles, 0) AS articles
    FROM grid g LEFT JOIN counts c USING (day, outlet_id, topic, relevance)
)
SELECT * FROM final;
