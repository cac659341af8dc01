-- What happened when: one row per real-world event. Dated expressions (with linked entities in their
-- sentence) are merged across articles and outlets when their date ranges overlap at the same precision
-- and their sentences share entities (one for a day, two for a week or longer, where one shared country
-- would join unrelated events) or at least two key terms (words of eight letters or more). Merging is
-- transitive: a chain of such links is one event.
--
-- Reads timeline_events, one row per dated expression with entities, kept at every load
-- (sql/refresh/timeline_events.sql) with its merge node, key terms and article columns. Expressions
-- with the same dates, precision and entities are linked by the entity rule already (when they have
-- enough entities): they enter the linking as one node, which keeps it small when
-- many reports name the same day and the same two countries. Each node is summed up once (its
-- articles, outlets, first report, best sentence, expressions); the events are made of those sums,
-- and an event of one node (most of them) takes its node's lists as they are. Ties are broken the
-- same way on every read: the first report is the earliest, then the least article id; the sentence
-- the best scored, then the one that sorts last.
CREATE OR REPLACE VIEW v_event_timeline AS
WITH RECURSIVE nodes AS MATERIALIZED (
    SELECT node, any_value(precision) AS precision, min(date_start) AS date_start, max(date_end) AS date_end,
           any_value(entity_ids) AS entity_ids, list_distinct(flatten(list(terms))) AS terms,
           list_sort(list(DISTINCT article_id)) AS article_ids,
           list_sort(list(DISTINCT outlet_id)) AS outlet_ids,
           arg_min(article_id, (published_at, article_id)) FILTER (WHERE published_at IS NOT NULL) AS first_article_id,
           min(published_at) AS first_reported_at,
           arg_min(title, (published_at, article_id)) FILTER (WHERE published_at IS NOT NULL AND title IS NOT NULL)
               AS first_title,
           min(published_at) FILTER (WHERE title IS NOT NULL) AS first_titled_at,
           arg_min(article_id, (published_at, article_id)) FILTER (WHERE published_at IS NOT NULL AND title IS NOT NULL)
               AS first_titled_id,
           arg_max(sentence, (len(entity_ids) * 1000 - least(length(sentence), 999), sentence)) AS sentence,
           max(len(entity_ids) * 1000 - least(length(sentence), 999)) AS sentence_score,
           list_sort(list(DISTINCT expression)) AS expressions
    FROM timeline_events GROUP BY node
),
-- Linking without comparing every two nodes of a year: a link needs a shared key (an entity for a
-- day, a pair of entities otherwise, or a pair of key terms) and overlapping dates, and overlapping
-- dates share a calendar period of the precision (a bucket: the day, ISO week, month, quarter or
-- year; a node lists every one its dates touch). Nodes with the same key, bucket and dates are all
-- linked to each other: a star through the least of them is enough for the events. Between groups
-- of the same key and bucket with other dates, the dates are compared.
buckets AS MATERIALIZED (
    SELECT node, unnest(generate_series(date_trunc(unit, least(date_start, date_end)),
                                        date_trunc(unit, greatest(date_start, date_end)), step)) AS bucket
    FROM (
        SELECT node, date_start, date_end,
               CASE WHEN precision IN ('day', 'week', 'month', 'quarter') THEN precision ELSE 'year' END AS unit,
               CASE precision WHEN 'day' THEN INTERVAL 1 DAY WHEN 'week' THEN INTERVAL 7 DAY
                              WHEN 'month' THEN INTERVAL 1 MONTH WHEN 'quarter' THEN INTERVAL 3 MONTH
                              ELSE INTERVAL 1 YEAR END AS step
        FROM nodes WHERE node IS NOT NULL AND date_end IS NOT NULL
    )
),
keyed AS (
    SELECT node, precision, date_start, date_end, 'e' AS kind, e AS k1, '' AS k2
    FROM nodes, unnest(entity_ids) AS u(e) WHERE precision = 'day'
    UNION ALL
    SELECT node, precision, date_start, date_end, 'e', e1, e2
    FROM nodes, unnest(entity_ids) AS u(e1), unnest(entity_ids) AS v(e2) WHERE precision <> 'day' AND e1 < e2
    UNION ALL
    SELECT node, precision, date_start, date_end, 't', t1, t2
    FROM nodes, unnest(terms) AS u(t1), unnest(terms) AS v(t2) WHERE t1 < t2
),
groups AS MATERIALIZED (
    SELECT k.precision, b.bucket, k.kind, k.k1, k.k2, k.date_start, k.date_end,
           min(k.node) AS rep, list(k.node) AS members
    FROM keyed k JOIN buckets b USING (node)
    GROUP BY ALL
),
links AS MATERIALIZED (
    SELECT DISTINCT a, b FROM (
        SELECT rep AS a, m AS b FROM groups, unnest(members) AS u(m) WHERE m <> rep
        UNION ALL
        SELECT m, rep FROM groups, unnest(members) AS u(m) WHERE m <> rep
        UNION ALL
        SELECT x.rep, y.rep
        FROM groups x JOIN groups y
          ON x.precision = y.precision AND x.bucket = y.bucket AND x.kind = y.kind AND x.k1 = y.k1 AND x.k2 = y.k2
         AND x.rep <> y.rep AND x.date_start <= y.date_end AND y.date_start <= x.date_end
    )
),
-- each node takes the least node id it can reach: the label is handed along the links, a node keeping
-- only its least label so far (USING KEY: one row per node) and passing it on only when it went down
reach(node, label) USING KEY (node) AS (
    SELECT node, node FROM nodes
    UNION
    SELECT l.b, min(r.label)
    FROM reach r JOIN links l ON l.a = r.node JOIN recurring.reach cur ON cur.node = l.b
    GROUP BY l.b
    HAVING min(r.label) < any_value(cur.label)
),
clustered AS (
    SELECT n.*, r.label AS cluster FROM nodes n JOIN reach r USING (node)
),
named AS (
    -- a node's expressions share its entities (or it has one expression)
    SELECT
        u.cluster,
        list(u.id ORDER BY u.id) AS entity_ids,
        list({'id': u.id, 'name': coalesce(n.name_nl, u.id)} ORDER BY u.id) AS entities
    FROM (SELECT DISTINCT cluster, unnest(entity_ids) AS id FROM clustered) u
    LEFT JOIN entities n ON n.id = u.id
    GROUP BY u.cluster
),
merged AS (
    SELECT
        cluster,
        count(*) = 1 AS single,
        min(c.date_start) AS date_start,
        max(c.date_end) AS date_end,
        any_value(c.precision) AS precision,                 -- day | week | month | quarter | year
        list(c.article_ids) AS article_ids,
        list(c.outlet_ids) AS outlet_ids,
        arg_min(c.first_article_id, (c.first_reported_at, c.first_article_id))
            FILTER (WHERE c.first_reported_at IS NOT NULL) AS first_article_id,
        min(c.first_reported_at) AS first_reported_at,
        arg_min(c.first_title, (c.first_titled_at, c.first_titled_id)) FILTER (WHERE c.first_titled_at IS NOT NULL)
            AS first_title,
        -- the sentence naming the most of the event's entities, shorter ones first among equals, then the one
        -- that sorts last, so equal candidates give the same sentence on every read
        arg_max(c.sentence, (c.sentence_score, c.sentence)) AS sentence,
        list(c.expressions) AS expressions
    FROM clustered c
    GROUP BY cluster
),
final AS (
    SELECT
        v.date_start, v.date_end, v.precision,
        k.entity_ids,                                        -- sorted; entities is in the same order
        k.entities,                                          -- [{id, name}], aligned with entity_ids
        len(v.article_ids) AS articles, len(v.outlet_ids) AS outlets, v.article_ids, v.outlet_ids,
        v.first_article_id, v.first_reported_at, v.first_title, v.sentence, v.expressions
    FROM (
        SELECT * REPLACE (
            CASE WHEN single THEN article_ids[1] ELSE list_sort(list_distinct(flatten(article_ids))) END AS article_ids,
            CASE WHEN single THEN outlet_ids[1] ELSE list_sort(list_distinct(flatten(outlet_ids))) END AS outlet_ids,
            CASE WHEN single THEN expressions[1] ELSE list_sort(list_distinct(flatten(expressions))) END AS expressions)
        FROM merged
    ) v JOIN named k USING (cluster)
)
SELECT * FROM final ORDER BY date_start, articles DESC, first_reported_at, first_article_id, entity_ids;
