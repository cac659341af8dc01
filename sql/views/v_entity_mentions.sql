-- Linked mentions with article date, outlet and entity name: the base of the entity views.
CREATE OR REPLACE VIEW v_entity_mentions AS
WITH source AS (
    SELECT m.*, a.outlet_id, a.published_at, a.title
    FROM entity_mentions m JOIN articles a ON a.id = m.article_id
    WHERE m.entity_id IS NOT NULL AND a.status IN ('ok', 'paywalled')
),
final AS (
    SELECT
        s.article_id, s.outlet_id, s.published_at,
        date_trunc('week', timezone('Europe/Amsterdam', s.published_at))::DATE AS week,  -- ISO week (Monday)
        s.field, s.sentence, s.entity_id, e.name_nl AS entity, e.type AS entity_type, s.surface, s.kind,
        s.refers_to
    FROM source s JOIN entities e ON e.id = s.entity_id
)
SELECT * FROM final;
