-- The search index holds exactly the articles whose status is indexed (ok, paywalled, live), each as
-- its current status and text, and no posting of a document it no longer holds.
SELECT coalesce(a.id, d.article_id) AS article_id, 'doc' AS what FROM articles a
FULL JOIN search.docs d ON d.article_id = a.id AND a.status IN ('ok', 'paywalled', 'live')
WHERE (a.status IN ('ok', 'paywalled', 'live') OR a.id IS NULL)
  AND (a.id IS NULL OR d.article_id IS NULL
       OR d.text_hash <> md5(concat_ws(chr(1), a.status, a.title, a.lead, a.body)))
UNION ALL
SELECT DISTINCT t.doc::VARCHAR, 'posting' FROM search.terms t ANTI JOIN search.docs d USING (doc);
