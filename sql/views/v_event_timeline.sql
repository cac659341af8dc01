-- What happened when: resolved events of tagged articles, merged across articles when they share the
-- date range and the set of linked entities in their sentence. One row per timeline entry with the
-- number of articles and outlets, the first article that reported it and a representative sentence.
CREATE OR REPLACE VIEW v_event_timeline AS
WITH source AS (
    SELECT e.*, a.outlet_id, a.published_at, a.title, a.url
    FROM events e JOIN articles a ON a.id = e.article_id
    WHERE e.date_start IS NOT NULL AND len(e.entity_ids) > 0
),
keyed AS (
    SELECT *, list_sort(entity_ids) AS entity_key FROM source
),
final AS (
    SELECT
        date_start, date_end, precision, entity_key AS entity_ids,
        (SELECT list(name_nl ORDER BY name_nl) FROM entities WHERE list_contains(entity_key, id)) AS entities,
        count(DISTINCT article_id) AS articles,
        count(DISTINCT outlet_id) AS outlets,
        arg_min(article_id, published_at) AS first_article_id,
        min(published_at) AS first_reported_at,
        arg_min(title, published_at) AS first_title,
        arg_max(sentence, length(sentence) * (CASE WHEN length(sentence) < 300 THEN 1 ELSE 0 END)) AS sentence,
        list(DISTINCT expression) AS expressions
    FROM keyed
    GROUP BY date_start, date_end, precision, entity_key
)
SELECT * FROM final ORDER BY date_start, articles DESC;
