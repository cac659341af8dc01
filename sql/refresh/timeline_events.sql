-- Rebuild timeline_events (sql/schema/011_timeline_events.sql) for the articles of the batch being
-- loaded: those written (staging frame b_articles: title, outlet or publication time may have changed)
-- and those re-analysed (b_enriched: new events). Runs inside the load's transaction, after the batch's rows.
CREATE OR REPLACE TEMP TABLE changed_timeline AS
SELECT article_id FROM b_enriched UNION SELECT id FROM b_articles;

DELETE FROM timeline_events WHERE article_id IN (SELECT article_id FROM changed_timeline);

INSERT INTO timeline_events
SELECT e.article_id, e.field, e.start_char,
       CASE WHEN len(e.entity_ids) >= CASE WHEN e.precision = 'day' THEN 1 ELSE 2 END
            THEN 'g/' || e.precision || '/' || e.date_start || '/' || e.date_end || '/' || list_sort(e.entity_ids)::VARCHAR
            ELSE e.article_id || '/' || e.field || '/' || e.start_char END,
       e.precision, e.date_start, e.date_end, e.entity_ids,
       list_distinct(list_filter(regexp_split_to_array(lower(e.sentence), '[^\p{L}]+'), w -> length(w) >= 8)),
       e.expression, e.sentence, a.outlet_id, a.published_at, a.title
FROM events e JOIN articles a ON a.id = e.article_id
WHERE e.article_id IN (SELECT article_id FROM changed_timeline)
  AND e.date_start IS NOT NULL AND len(e.entity_ids) > 0;

DROP TABLE changed_timeline;
