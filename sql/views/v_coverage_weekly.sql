-- Topic coverage per ISO week x outlet x level, zero-filled (spike flags: coverage_spikes()).
CREATE OR REPLACE VIEW v_coverage_weekly AS
WITH source AS (
    SELECT CAST(date_trunc('week', day) AS DATE) AS week, outlet_id, topic, relevance, articles FROM v_coverage_daily
),
final AS (
    SELECT week, outlet_id, topic, relevance, sum(articles)::INTEGER AS articles FROM source GROUP BY ALL
)
SELECT * FROM final;
