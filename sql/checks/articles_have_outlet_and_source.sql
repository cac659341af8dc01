-- Every article belongs to a known outlet and was carried by at least one feed.
SELECT a.id, a.outlet_id FROM articles a
LEFT JOIN outlets o ON o.id = a.outlet_id
WHERE o.id IS NULL OR NOT EXISTS (SELECT 1 FROM article_sources s WHERE s.article_id = a.id);
