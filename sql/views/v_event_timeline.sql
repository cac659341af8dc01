-- What happened when: one row per real-world event. Dated expressions (with linked entities in their
-- sentence) are merged across articles and outlets when their date ranges overlap at the same precision
-- and their sentences share entities (one for a day, two for a week or longer, where one shared country
-- would join unrelated events) or at least two key terms (words of eight letters or more). Merging is
-- transitive: a chain of such links is one event.
--
-- Reads timeline_events, one row per dated expression with entities, kept at every load
-- (sql/refresh/timeline_events.sql) with its merge node, key terms and article columns. Expressions
-- with the same dates, precision and entities are linked by the entity rule already (when they have
-- enough entities): they enter the pairwise linking as one node, which keeps the linking small when
-- many reports name the same day and the same two countries. The linking works on nodes; only the
-- final aggregation per event reads the expressions again.
CREATE OR REPLACE VIEW v_event_timeline AS
WITH RECURSIVE nodes AS (
    SELECT node, any_value(precision) AS precision, min(date_start) AS date_start, max(date_end) AS date_end,
           any_value(entity_ids) AS entity_ids, list_distinct(flatten(list(terms))) AS terms
    FROM timeline_events GROUP BY node
),
links AS (
    SELECT x.node AS a, y.node AS b
    FROM nodes x JOIN nodes y
      ON x.precision = y.precision AND x.node <> y.node
     AND x.date_start <= y.date_end AND y.date_start <= x.date_end
    WHERE len(list_intersect(x.entity_ids, y.entity_ids)) >= CASE WHEN x.precision = 'day' THEN 1 ELSE 2 END
       OR len(list_intersect(x.terms, y.terms)) >= 2
),
reach(node, label) AS (
    SELECT node, node FROM nodes
    UNION
    SELECT l.b, r.label FROM reach r JOIN links l ON l.a = r.node
),
clusters AS (
    SELECT node, min(label) AS cluster FROM reach GROUP BY node
),
named AS (
    -- a node's expressions share its entities (or it has one expression): naming reads the nodes
    SELECT
        u.cluster,
        list(u.id ORDER BY u.id) AS entity_ids,
        list({'id': u.id, 'name': coalesce(n.name_nl, u.id)} ORDER BY u.id) AS entities
    FROM (SELECT DISTINCT c.cluster, unnest(n.entity_ids) AS id FROM nodes n JOIN clusters c USING (node)) u
    LEFT JOIN entities n ON n.id = u.id
    GROUP BY u.cluster
),
merged AS (
    SELECT
        cluster,
        min(e.date_start) AS date_start,
        max(e.date_end) AS date_end,
        any_value(e.precision) AS precision,                 -- day | week | month | quarter | year
        list_sort(list(DISTINCT e.article_id)) AS article_ids,
        list_sort(list(DISTINCT e.outlet_id)) AS outlet_ids,
        arg_min(e.article_id, e.published_at) AS first_article_id,
        min(e.published_at) AS first_reported_at,
        arg_min(e.title, e.published_at) AS first_title,
        -- the sentence naming the most of the event's entities, shorter ones first among equals
        arg_max(e.sentence, len(e.entity_ids) * 1000 - least(length(e.sentence), 999)) AS sentence,
        list_sort(list(DISTINCT e.expression)) AS expressions
    FROM timeline_events e JOIN clusters USING (node)
    GROUP BY cluster
),
final AS (
    SELECT
        v.date_start,
        v.date_end,
        v.precision,
        k.entity_ids,                                        -- sorted; entities is in the same order
        k.entities,                                          -- [{id, name}], aligned with entity_ids
        len(v.article_ids) AS articles,
        len(v.outlet_ids) AS outlets,
        v.article_ids,
        v.outlet_ids,
        v.first_article_id,
        v.first_reported_at,
        v.first_title,
        v.sentence,
        v.expressions
    FROM merged v JOIN named k USING (cluster)
)
SELECT * FROM final ORDER BY date_start, articles DESC;
