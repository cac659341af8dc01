-- The dated expressions v_event_timeline merges, one row each, with what the merge reads: the node an
-- expression enters the merge as, its key terms, and its article's outlet, publication time and title.
-- Rebuilt for every article a load writes or re-analyses (sql/refresh/timeline_events.sql), inside
-- the load's transaction, so the view neither joins 1 M articles nor splits every sentence again.
-- No primary key: a load replaces all rows of its articles, and an index would only slow the loads.
CREATE TABLE IF NOT EXISTS timeline_events (
    article_id    VARCHAR NOT NULL,
    field         VARCHAR NOT NULL,
    start_char    INTEGER NOT NULL,
    -- the node: expressions with the same precision, dates and entities (when they have enough for the
    -- entity rule: one for a day, two otherwise) are one node, since that rule links them anyway;
    -- any other expression is a node of its own
    node          VARCHAR,                   -- NULL: no precision or end date; such an expression is in no event
    precision     VARCHAR,
    date_start    DATE NOT NULL,
    date_end      DATE,
    entity_ids    VARCHAR[] NOT NULL,        -- at least one
    terms         VARCHAR[] NOT NULL,        -- distinct lower-cased words of eight letters or more of the sentence
    expression    VARCHAR NOT NULL,
    sentence      VARCHAR NOT NULL,
    outlet_id     VARCHAR NOT NULL,          -- of the article
    published_at  TIMESTAMPTZ,
    title         VARCHAR
);

INSERT INTO timeline_events
SELECT e.article_id, e.field, e.start_char,
       CASE WHEN len(e.entity_ids) >= CASE WHEN e.precision = 'day' THEN 1 ELSE 2 END
            THEN 'g/' || e.precision || '/' || e.date_start || '/' || e.date_end || '/' || list_sort(e.entity_ids)::VARCHAR
            ELSE e.article_id || '/' || e.field || '/' || e.start_char END,
       e.precision, e.date_start, e.date_end, e.entity_ids,
       list_distinct(list_filter(regexp_split_to_array(lower(e.sentence), '[^\p{L}]+'), w -> length(w) >= 8)),
       e.expression, e.sentence, a.outlet_id, a.published_at, a.title
FROM events e JOIN articles a ON a.id = e.article_id
WHERE e.date_start IS NOT NULL AND len(e.entity_ids) > 0;
