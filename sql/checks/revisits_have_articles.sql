-- Every revisit schedule belongs to a stored article.
SELECT r.article_id FROM article_revisits r LEFT JOIN articles a ON a.id = r.article_id WHERE a.id IS NULL;
