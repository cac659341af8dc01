-- Staging model of articles: the ONE place where publication times meet the Amsterdam calendar.
-- Views that count per local day, ISO week or month read these columns instead of converting
-- published_at themselves. A view: the columns a query does not use are never computed.
--
-- The time zone database (ICU) is asked twice per UTC day of the span the articles cover (at 00:00
-- and 23:00 UTC), not once per article: Amsterdam's offset from UTC changes only on a whole UTC hour,
-- so a day whose two answers agree has one offset throughout. The offsets are one list, indexed by
-- day; the per-article work is integer arithmetic. Articles of a day with a clock change, and of days
-- outside the 40 years before now (or more than a year ahead), e.g. a misread date, are converted one
-- by one, so the list stays small.
CREATE OR REPLACE VIEW stg_articles AS
WITH source AS (
    SELECT id, outlet_id, published_at, status, title, url,
           epoch_us(published_at) AS published_us                      -- microseconds since 1970, UTC
    FROM articles
),
span AS (
    -- read from the table, not from `source`: a CTE used twice is materialised with all its columns
    SELECT greatest(min(epoch_us(published_at)), epoch_us(now() - INTERVAL 40 YEAR)) // 86400000000 AS first_day,
           least(max(epoch_us(published_at)), epoch_us(now() + INTERVAL 1 YEAR)) // 86400000000 AS last_day
    FROM articles
),
offsets AS (
    -- element k: microseconds to add to UTC for an Amsterdam clock on UTC day first_day + k - 1,
    -- NULL on a day with a clock change
    SELECT any_value(first_day) AS first_day, any_value(last_day) AS last_day,
           list(CASE WHEN at_00 = at_23 THEN at_00 END ORDER BY d) AS offset_us
    FROM (
        SELECT first_day, last_day, d,
               epoch_us(timezone('Europe/Amsterdam', to_timestamp(d * 86400))) - d * 86400000000 AS at_00,
               epoch_us(timezone('Europe/Amsterdam', to_timestamp(d * 86400 + 82800))) - (d * 86400 + 82800) * 1000000
                   AS at_23
        FROM span, range(first_day, last_day + 1) t(d)
    )
),
localised AS (
    SELECT s.*,
           coalesce(CASE WHEN s.published_us // 86400000000 BETWEEN o.first_day AND o.last_day
                         THEN make_timestamp(s.published_us + o.offset_us[s.published_us // 86400000000 - o.first_day + 1])
                         END,
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
