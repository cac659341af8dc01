-- What happened when: one row per real-world event. Dated expressions (with linked entities in their
-- sentence) are merged across articles and outlets when their date ranges overlap at the same precision
-- and their sentences share entities (one for a day, two for a week or longer, where one shared country
-- would join unrelated events) or at least two key terms (words of eight letters or more). Merging is
-- transitive: a chain of such links is one event.
CREATE OR REPLACE VIEW v_event_timeline AS
WITH RECURSIVE source AS (
    SELECT
        e.*, a.outlet_id, a.published_at, a.title,
        list_distinct(list_filter(regexp_split_to_array(lower(e.sentence), '[^\p{L}]+'),
                                  w -> length(w) >= 8)) AS terms,
        -- expressions with the same dates, precision and entities are linked by the entity rule already
        -- (when they have enough entities): they enter the pairwise linking as one node, which keeps the
        -- linking small when many reports name the same day and the same two countries
        CASE WHEN len(e.entity_ids) >= CASE WHEN e.precision = 'day' THEN 1 ELSE 2 END
             THEN 'g/' || e.precision || '/' || e.date_start || '/' || e.date_end || '/' || list_sort(e.entity_ids)::VARCHAR
             ELSE e.article_id || '/' || e.field || '/' || e.start_char END AS node
    FROM events e JOIN articles a ON a.id = e.article_id
    WHERE e.date_start IS NOT NULL AND len(e.entity_ids) > 0
),
nodes AS (
    SELECT node, any_value(precision) AS precision, min(date_start) AS date_start, max(date_end) AS date_end,
           any_value(entity_ids) AS entity_ids, list_distinct(flatten(list(terms))) AS terms
    FROM source GROUP BY node
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
clustered AS (
    SELECT s.*, c.cluster
    FROM source s JOIN (SELECT node, min(label) AS cluster FROM reach GROUP BY node) c USING (node)
),
named AS (
    SELECT
        u.cluster,
        list(u.id ORDER BY u.id) AS entity_ids,
        list({'id': u.id, 'name': coalesce(n.name_nl, u.id)} ORDER BY u.id) AS entities
    FROM (SELECT DISTINCT cluster, unnest(entity_ids) AS id FROM clustered) u
    LEFT JOIN entities n ON n.id = u.id
    GROUP BY u.cluster
),
final AS (
    SELECT
        min(c.date_start) AS date_start,
        max(c.date_end) AS date_end,
        any_value(c.precision) AS precision,              -- day | week | month | quarter | year
        any_value(k.entity_ids) AS entity_ids,             -- sorted; entities is in the same order
        any_value(k.entities) AS entities,                 -- [{id, name}], aligned with entity_ids
        count(DISTINCT c.article_id) AS articles,
        count(DISTINCT c.outlet_id) AS outlets,
        list(DISTINCT c.article_id ORDER BY c.article_id) AS article_ids,
        list(DISTINCT c.outlet_id ORDER BY c.outlet_id) AS outlet_ids,
        arg_min(c.article_id, c.published_at) AS first_article_id,
        min(c.published_at) AS first_reported_at,
        arg_min(c.title, c.published_at) AS first_title,
        -- the sentence naming the most of the event's entities, shorter ones first among equals
        arg_max(c.sentence, len(c.entity_ids) * 1000 - least(length(c.sentence), 999)) AS sentence,
        list(DISTINCT c.expression ORDER BY c.expression) AS expressions
    FROM clustered c JOIN named k USING (cluster)
    GROUP BY c.cluster
)
SELECT * FROM final ORDER BY date_start, articles DESC;
