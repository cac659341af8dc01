-- One row per configured feed: is it alive, how fresh, what went wrong last.
CREATE OR REPLACE VIEW v_feed_health AS
WITH source AS (
    SELECT * FROM feeds
),
polls AS (
    SELECT
        feed_id,
        count(*) AS polls,
        count(*) FILTER (WHERE outcome = 'failed') AS failed_polls,
        sum(new_items) AS new_items_total,
        max(polled_at) AS last_polled_at
    FROM feed_polls
    GROUP BY feed_id
),
walls AS (
    SELECT
        feed_id,
        count(*) AS consent_walls,
        arg_max(final_url, last_seen_at) AS last_wall_url,
        min(next_attempt_at) AS next_wall_attempt_at
    FROM consent_walls
    GROUP BY feed_id
),
latest_item AS (
    SELECT s.feed_id, max(coalesce(s.feed_published_at, a.published_at)) AS last_item_at
    FROM article_sources s JOIN articles a ON a.id = s.article_id
    GROUP BY s.feed_id
),
final AS (
    SELECT
        f.id AS feed_id,
        f.outlet_id,
        f.url,
        f.enabled,
        CASE
            WHEN NOT f.enabled THEN 'disabled'
            WHEN f.last_polled_at IS NULL THEN 'never polled'
            WHEN f.consecutive_failures > 0 THEN 'failing'
            WHEN li.last_item_at < now() - INTERVAL 7 DAY THEN 'stale'
            ELSE 'ok'
        END AS health,
        f.consecutive_failures,
        f.last_error,
        f.last_polled_at,
        f.last_success_at,
        li.last_item_at,                                   -- newest item date seen in this feed
        coalesce(p.polls, 0) AS polls,
        coalesce(p.failed_polls, 0) AS failed_polls,
        coalesce(p.new_items_total, 0) AS new_items_total,
        coalesce(w.consent_walls, 0) AS consent_walls,     -- pages now behind a consent or login wall
        w.last_wall_url,                                   -- where the latest walled fetch ended
        w.next_wall_attempt_at,                            -- when the first of them is tried again
        f.next_poll_at,
        f.poll_interval_s                                  -- seconds
    FROM source f
    LEFT JOIN polls p ON p.feed_id = f.id
    LEFT JOIN walls w ON w.feed_id = f.id
    LEFT JOIN latest_item li ON li.feed_id = f.id
)
SELECT * FROM final ORDER BY outlet_id, feed_id;
