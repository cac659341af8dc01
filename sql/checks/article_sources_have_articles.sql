-- Every source row points at a stored article and a configured feed.
SELECT s.* FROM article_sources s
LEFT JOIN articles a ON a.id = s.article_id
LEFT JOIN feeds f ON f.id = s.feed_id
WHERE a.id IS NULL OR f.id IS NULL;
