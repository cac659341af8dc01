-- Articles per day (Amsterdam calendar day of publication) per outlet, usable ones only.
CREATE OR REPLACE VIEW v_articles_daily AS
WITH source AS (
    SELECT outlet_id, published_at, status FROM articles
),
dated AS (
    SELECT
        outlet_id,
        CAST(timezone('Europe/Amsterdam', published_at) AS DATE) AS day,  -- local calendar day
        status
    FROM source
    WHERE published_at IS NOT NULL
),
final AS (
    SELECT
        day,
        outlet_id,
        count(*) FILTER (WHERE status = 'ok') AS articles,        -- extracted, Dutch, full text
        count(*) AS pages                                         -- every stored page, whatever its status
    FROM dated
    GROUP BY ALL
)
SELECT * FROM final ORDER BY day, outlet_id;
