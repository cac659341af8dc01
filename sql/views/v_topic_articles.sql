-- Articles with their topic level, score and themes (one row per article and topic; level none included).
CREATE OR REPLACE VIEW v_topic_articles AS
WITH source AS (
    SELECT t.*, a.outlet_id, a.published_at, a.day, a.week, a.title, a.url, a.status
    FROM article_topics t JOIN stg_articles a USING (article_id)
),
final AS (
    SELECT
        article_id, topic, relevance, score, themes, outlet_id,
        published_at,
        day,                                                      -- local calendar day
        week,                                                     -- ISO week, Monday
        title, url, status, rules_version,
        json_extract(evidence, '$.sentences') AS relation_sentences
    FROM source
)
SELECT * FROM final;
