-- Rebuild entity_articles and entity_comentions for the articles of the batch being loaded: those
-- written (staging frame b_articles: status or publication time may have changed) and those
-- re-analysed (b_enriched: new mentions). Runs inside the load's transaction, after the batch's rows.
CREATE OR REPLACE TEMP TABLE changed_articles AS
WITH changed AS (
    SELECT article_id FROM b_enriched UNION SELECT id FROM b_articles
)
SELECT a.article_id, a.outlet_id, a.day, a.week, a.status IN ('ok', 'paywalled') AS usable
FROM stg_articles a JOIN changed c USING (article_id);

DELETE FROM entity_articles WHERE article_id IN (SELECT article_id FROM changed_articles);
DELETE FROM entity_comentions WHERE article_id IN (SELECT article_id FROM changed_articles);

CREATE OR REPLACE TEMP TABLE changed_mentions AS
SELECT DISTINCT m.article_id, c.outlet_id, c.day, c.week, m.field, m.sentence, m.start_char, m.entity_id
FROM entity_mentions m JOIN changed_articles c USING (article_id)
WHERE c.usable AND m.entity_id IS NOT NULL;

INSERT INTO entity_articles
SELECT article_id, entity_id, any_value(outlet_id), any_value(day), any_value(week), count(*)
FROM changed_mentions GROUP BY article_id, entity_id;

INSERT INTO entity_comentions
WITH source AS (
    SELECT DISTINCT article_id, week, field, sentence, entity_id FROM changed_mentions
)
SELECT a.article_id, a.week, a.entity_id, b.entity_id, bool_or(a.field = b.field AND a.sentence = b.sentence)
FROM source a JOIN source b ON a.article_id = b.article_id AND a.entity_id < b.entity_id
GROUP BY ALL;

DROP TABLE changed_mentions;
DROP TABLE changed_articles;
