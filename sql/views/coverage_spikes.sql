-- Weekly totals per topic with the trailing 8-week mean and a spike flag (EMM-style: a week's count
-- beats the mean of the weeks before by `factor` and is at least `min_count`).
-- A week is judged only once `min_history` earlier weeks of the series exist (the zero-filled series
-- starts at the week of the first stored article): the first weeks of monitoring have no baseline,
-- and a trailing mean of 0 would flag any week with `min_count` articles.
-- SELECT * FROM coverage_spikes(factor := 3.0, min_count := 5, min_history := 8);
-- v_coverage_spikes uses the defaults.
CREATE OR REPLACE MACRO coverage_spikes(factor := 2.0, min_count := 3, min_history := 8) AS TABLE
WITH source AS (
    SELECT week, topic, sum(articles) AS articles FROM v_coverage_weekly GROUP BY ALL
),
windowed AS (
    SELECT week, topic, articles,
           -- mean weekly count of the preceding weeks (zero-filled weeks included)
           avg(articles) OVER (PARTITION BY topic ORDER BY week ROWS BETWEEN 8 PRECEDING AND 1 PRECEDING)
               AS trailing_mean,
           -- earlier weeks of this topic's series (all of them, not only the 8 in the mean)
           count(*) OVER (PARTITION BY topic ORDER BY week ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
               AS weeks_before
    FROM source
),
final AS (
    SELECT week, topic, articles, round(coalesce(trailing_mean, 0), 2) AS trailing_mean,
           weeks_before,  -- weeks of history before this one; below min_history the week is not judged
           weeks_before >= min_history AND articles >= min_count
               AND articles > factor * coalesce(trailing_mean, 0) AS spike
    FROM windowed
)
SELECT * FROM final ORDER BY topic, week;
