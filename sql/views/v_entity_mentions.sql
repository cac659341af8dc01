-- Linked mentions with article date, outlet and entity name: the base of the entity views.
CREATE OR REPLACE VIEW v_entity_mentions AS
WITH source AS (
    SELECT m.*, a.outlet_id, a.published_at, a.day, a.week, a.title
    FROM entity_mentions m JOIN stg_articles a USING (article_id)
    WHERE m.entity_id IS NOT NULL AND a.status IN ('ok', 'paywalled')
),
final AS (
    SELECT
        s.article_id, s.outlet_id, s.published_at,
        s.week,                                                   -- ISO week (Monday), Amsterdam calendar
        s.field, s.sentence, s.entity_id, e.name_nl AS entity, e.type AS entity_type, s.surface, s.kind,
        s.refers_to,
        s.day                                                     -- Amsterdam calendar day
    FROM source s JOIN entities e ON e.id = s.entity_id
)
SELECT * FROM final;
