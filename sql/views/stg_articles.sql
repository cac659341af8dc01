-- Staging model of articles: the ONE place where publication times meet the Amsterdam calendar.
-- Views that count per local day, ISO week or month read these columns instead of converting
-- published_at themselves. A view: the columns a query does not use are never computed.
--
-- The time zone database (ICU) is asked once per UTC hour of the span the articles cover, not once
-- per article: Amsterdam's offset from UTC changes only on a whole UTC hour (01:00 UTC since the
-- 1940s), so every instant of an hour has the offset of the hour's start. The offsets are one list,
-- indexed by hour; the per-article work is integer arithmetic. Hours outside the 40 years before
-- now (or more than a year ahead), e.g. a misread date, are converted one by one, so the list stays small.
CREATE OR REPLACE VIEW stg_articles AS
WITH source AS (
    SELECT id, outlet_id, published_at, status, title, url,
           epoch_us(published_at) AS published_us                      -- microseconds since 1970, UTC
    FROM articles
),
span AS (
    -- read from the table, not from `source`: a CTE used twice is materialised with all its columns
    SELECT greatest(min(epoch_us(published_at)), epoch_us(now() - INTERVAL 40 YEAR)) // 3600000000 AS first_hour,
           least(max(epoch_us(published_at)), epoch_us(now() + INTERVAL 1 YEAR)) // 3600000000 AS last_hour
    FROM articles
),
offsets AS (
    -- element k: microseconds to add to UTC for an Amsterdam clock in hour first_hour + k - 1
    SELECT any_value(first_hour) AS first_hour, any_value(last_hour) AS last_hour,
           list(epoch_us(timezone('Europe/Amsterdam', to_timestamp(h * 3600))) - h * 3600000000 ORDER BY h) AS offset_us
    FROM span, range(first_hour, last_hour + 1) t(h)
),
localised AS (
    SELECT s.*,
           coalesce(make_timestamp(s.published_us + o.offset_us[s.published_us // 3600000000 - o.first_hour + 1]),
                    timezone('Europe/Amsterdam', s.published_at)) AS published_local
    FROM source s, offsets o
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
