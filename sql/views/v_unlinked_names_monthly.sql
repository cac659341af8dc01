-- The most frequent names that were found but not linked, per month: what the gazetteer lacks.
CREATE OR REPLACE VIEW v_unlinked_names_monthly AS
WITH source AS (
    SELECT m.surface, m.kind, m.source, m.article_id, a.published_at
    FROM entity_mentions m JOIN articles a ON a.id = m.article_id
    WHERE m.entity_id IS NULL
),
final AS (
    SELECT date_trunc('month', timezone('Europe/Amsterdam', published_at))::DATE AS month, surface,
           count(*) AS mentions, count(DISTINCT article_id) AS articles,
           any_value(kind) AS kind, any_value(source) AS source
    FROM source GROUP BY ALL
)
SELECT * FROM final ORDER BY month, articles DESC, mentions DESC;
