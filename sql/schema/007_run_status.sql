-- A run's status says whether it read anything: ok (every feed polled and every page fetched),
-- partial (some feed or page failed; the run completed and lists them), failed (every feed
-- polled failed, or the run stopped on an error). Runs recorded before this file said
-- 'completed'; their counts give the same answer.
UPDATE runs SET status = CASE
    WHEN feeds_polled > 0 AND feeds_failed = feeds_polled THEN 'failed'
    WHEN feeds_failed > 0 OR failed > 0 THEN 'partial'
    ELSE 'ok'
END
WHERE status = 'completed';

COMMENT ON COLUMN runs.status IS 'running | ok | partial | failed: failed = every feed polled failed, or the run stopped on an error';
