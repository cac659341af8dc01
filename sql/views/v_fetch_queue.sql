-- The fetch queue: every page a feed announced that is not stored yet, what it waits for and why.
-- state: due (its next attempt has come: the next run fetches it), waiting (for its own time or its
-- host's), given_up (a permanent failure, or retried for as long as its kind allows).
CREATE OR REPLACE VIEW v_fetch_queue AS
SELECT
    f.article_id,
    f.url,
    f.host,
    f.feed_id,
    f.feed_title,
    f.kind,
    CASE WHEN f.given_up_at IS NOT NULL THEN 'given_up'
         WHEN f.next_attempt_at IS NULL OR f.next_attempt_at <= now() THEN 'due'
         ELSE 'waiting' END AS state,
    f.attempts,
    f.first_failed_at,
    f.last_failed_at,
    f.next_attempt_at,
    f.given_up_at,
    h.next_attempt_at AS host_next_attempt_at,
    f.http_status,
    f.error,
    CASE WHEN f.given_up_at IS NOT NULL THEN
             CASE f.kind WHEN 'permanent' THEN 'given up: the page is gone or not an article page'
                         WHEN 'transient' THEN 'given up: failing for longer than the retry window'
                         WHEN 'disallowed' THEN 'given up: robots.txt disallowed it for longer than allowed'
                         ELSE 'given up after its third failed attempt' END
         WHEN f.kind = 'deferred' THEN 'waiting for its host, which is backing off: ' || coalesce(h.last_error, f.error)
         WHEN f.kind = 'transient' THEN 'host failing transiently (' || f.error || '); retried with backoff'
         WHEN f.kind = 'disallowed' THEN 'disallowed by robots.txt; tried again daily'
         ELSE 'failed (' || f.error || '); tried again after 1 h, then 4 h' END AS reason
FROM fetch_failures f
LEFT JOIN host_backoff h ON h.host = f.host
WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = f.article_id);
