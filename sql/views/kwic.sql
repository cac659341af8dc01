-- Keyword in context: kwic('Vostotsjny') lists every occurrence in article bodies with 60 characters
-- either side (case-insensitive), newest first. A table macro, so: SELECT * FROM kwic('Koersk');
CREATE OR REPLACE MACRO kwic(term) AS TABLE
WITH source AS (
    SELECT id, outlet_id, published_at, title, body FROM articles WHERE body ILIKE '%' || term || '%'
),
hits AS (
    SELECT id, outlet_id, published_at, title, body, unnest(list_filter(
        range(1, length(body) + 1), i -> lower(substring(body, i, length(term))) = lower(term))) AS pos
    FROM source
),
final AS (
    SELECT id AS article_id, outlet_id, published_at, title,
           substring(body, greatest(1, pos - 60), least(pos, 61) - 1) AS left_context,
           substring(body, pos, length(term)) AS keyword,
           substring(body, pos + length(term), 60) AS right_context
    FROM hits
)
SELECT * FROM final ORDER BY published_at DESC;
