-- The search index holds exactly the articles whose status is indexed (ok, paywalled, live), each as
-- its current status and text, and no posting of a document it no longer holds.
SELECT coalesce(a.id, d.article_id) AS article_id, 'doc' AS what FROM articles a
FULL JOIN search.docs d ON d.article_id = a.id AND search.indexed(a.status)
WHERE (search.indexed(a.status) OR a.id IS NULL)
  AND (a.id IS NULL OR d.article_id IS NULL OR d.text_hash <> search.text_hash(a.status, a.title, a.lead, a.body))
UNION ALL
SELECT DISTINCT t.doc::VARCHAR, 'posting' FROM search.terms t ANTI JOIN search.docs d USING (doc);
