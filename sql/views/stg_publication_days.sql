-- Every Amsterdam calendar day from the first to the last publication day, with its ISO week: the
-- zero-filled axis of the coverage views (a quiet day or week shows as 0 instead of disappearing).
CREATE OR REPLACE VIEW stg_publication_days AS
WITH bounds AS (
    -- the local day only grows with the instant: converting the first and the last is enough
    SELECT CAST(timezone('Europe/Amsterdam', min(published_at)) AS DATE) AS first_day,
           CAST(timezone('Europe/Amsterdam', max(published_at)) AS DATE) AS last_day
    FROM articles
),
final AS (
    SELECT CAST(d AS DATE) AS day, CAST(date_trunc('week', d) AS DATE) AS week  -- ISO week: its Monday
    FROM bounds, range(first_day, last_day + INTERVAL 1 DAY, INTERVAL 1 DAY) t(d)
)
SELECT * FROM final;
