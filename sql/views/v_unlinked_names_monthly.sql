-- The most frequent names that were found but not linked, per month: what the gazetteer lacks.
-- Ordered by how many articles name them over all months (then month), so the biggest gaps come first.
-- Single words ending in -se or -sche are left out: in Dutch these are inflected adjectives of place or
-- origin (Europese, Koreaanse, Russische, Brusselse), capitalised but not names.
CREATE OR REPLACE VIEW v_unlinked_names_monthly AS
WITH source AS (
    SELECT m.surface, m.kind, m.source, m.article_id, a.published_at
    FROM entity_mentions m JOIN articles a ON a.id = m.article_id
    WHERE m.entity_id IS NULL
      AND NOT regexp_matches(m.surface, '^[[:upper:]][[:alpha:]-]*(se|sche)$')
),
monthly AS (
    SELECT date_trunc('month', timezone('Europe/Amsterdam', published_at))::DATE AS month, surface,
           count(*) AS mentions, count(DISTINCT article_id) AS articles,
           any_value(kind) AS kind, any_value(source) AS source
    FROM source GROUP BY ALL
),
totals AS (
    SELECT surface, count(DISTINCT article_id) AS articles_total  -- articles naming it, all months
    FROM source GROUP BY ALL
),
final AS (
    SELECT m.month, m.surface, m.mentions, m.articles, t.articles_total, m.kind, m.source
    FROM monthly m JOIN totals t USING (surface)
)
SELECT * FROM final ORDER BY articles_total DESC, surface, month DESC;
