-- The current body of every article is its newest version.
SELECT a.id FROM articles a
LEFT JOIN article_versions v ON v.article_id = a.id AND v.version = a.version
WHERE v.article_id IS NULL OR v.content_sha256 <> a.content_sha256;
