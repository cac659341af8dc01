-- Articles with their topic level, score and themes (one row per article and topic; level none included).
CREATE OR REPLACE VIEW v_topic_articles AS
WITH source AS (
    SELECT t.*, a.outlet_id, a.published_at, a.title, a.url, a.status
    FROM article_topics t JOIN articles a ON a.id = t.article_id
),
final AS (
    SELECT
        article_id, topic, relevance, score, themes, outlet_id,
        published_at,
        CAST(timezone('Europe/Amsterdam', published_at) AS DATE) AS day,                    -- local calendar day
        CAST(date_trunc('week', timezone('Europe/Amsterdam', published_at)) AS DATE) AS week, -- ISO week, Monday
        title, url, status, rules_version,
        json_extract(evidence, '$.sentences') AS relation_sentences
    FROM source
)
SELECT * FROM final;
