-- Every URL alias and feed GUID leads to a stored article (none to an id merged away or never stored).
SELECT 'url' AS kind, u.url AS key, u.article_id FROM article_urls u
LEFT JOIN articles a ON a.id = u.article_id WHERE a.id IS NULL
UNION ALL
SELECT 'guid', g.feed_id || ' ' || g.guid, g.article_id FROM article_guids g
LEFT JOIN articles a ON a.id = g.article_id WHERE a.id IS NULL;
