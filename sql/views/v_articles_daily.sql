-- Articles per day (Amsterdam calendar day of publication) per outlet, usable ones only.
CREATE OR REPLACE VIEW v_articles_daily AS
WITH source AS (
    SELECT outlet_id, day, status FROM stg_articles WHERE published_at IS NOT NULL
),
final AS (
    SELECT
        day,                                                      -- local calendar day
        outlet_id,
        count(*) FILTER (WHERE status = 'ok') AS articles,        -- extracted, Dutch, full text
        count(*) AS pages                                         -- every stored page, whatever its status
    FROM source
    GROUP BY ALL
)
SELECT * FROM final ORDER BY day, outlet_id;
