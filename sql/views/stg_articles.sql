-- Staging model of articles: the ONE place where publication times meet the Amsterdam calendar.
-- Views that count per local day, ISO week or month read these columns instead of converting
-- published_at themselves. A view: the columns a query does not use are never computed.
CREATE OR REPLACE VIEW stg_articles AS
WITH source AS (
    SELECT id, outlet_id, published_at, status, title, url FROM articles
),
localised AS (
    SELECT *, timezone('Europe/Amsterdam', published_at) AS published_local FROM source
),
final AS (
    SELECT
        id AS article_id,
        outlet_id,
        published_at,                                              -- TIMESTAMPTZ, NULL when unknown
        published_local,                                           -- wall-clock time in Amsterdam (no zone)
        CAST(published_local AS DATE) AS day,                      -- Amsterdam calendar day
        CAST(date_trunc('week', published_local) AS DATE) AS week,   -- ISO week: its Monday
        CAST(date_trunc('month', published_local) AS DATE) AS month, -- first day of the month
        status,
        title,
        url
    FROM localised
)
SELECT * FROM final;
