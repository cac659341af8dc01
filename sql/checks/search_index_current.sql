-- The search index holds exactly the articles whose status is indexed (ok, paywalled, live), each as
-- its current status and text, and no posting of a document it no longer holds.
SELECT a.id AS article_id, 'doc' AS what FROM articles a LEFT JOIN search.docs d ON d.article_id = a.id
WHERE search.indexed(a.status)
  AND (d.article_id IS NULL OR d.text_hash <> search.text_hash(a.status, a.title, a.lead, a.body))
UNION ALL
SELECT d.article_id, 'doc' FROM search.docs d LEFT JOIN articles a ON a.id = d.article_id
WHERE a.id IS NULL OR NOT search.indexed(a.status)
UNION ALL
SELECT DISTINCT t.doc::VARCHAR, 'posting' FROM search.terms t ANTI JOIN search.docs d USING (doc);
