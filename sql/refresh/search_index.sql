-- The search index's rows for the articles of the batch being loaded (staging frame b_articles), inside
-- the load's transaction, after the articles. An article whose status and text are as indexed is left
-- alone; any other loses its old postings and, when its status is indexed, gets new ones.
CREATE OR REPLACE TEMP TABLE search_batch AS
WITH batch AS (
    SELECT a.id AS article_id, a.status, a.title, a.lead, a.body,
           md5(concat_ws(chr(1), a.status, a.title, a.lead, a.body)) AS text_hash
    FROM articles a SEMI JOIN b_articles b ON b.id = a.id
)
SELECT b.*, d.doc AS old_doc
FROM batch b LEFT JOIN search.docs d USING (article_id)
WHERE d.text_hash IS DISTINCT FROM b.text_hash
  AND (d.article_id IS NOT NULL OR b.status IN ('ok', 'paywalled', 'live'));

DELETE FROM search.terms WHERE doc IN (SELECT old_doc FROM search_batch WHERE old_doc IS NOT NULL);
DELETE FROM search.docs WHERE article_id IN (SELECT article_id FROM search_batch WHERE old_doc IS NOT NULL);

CREATE OR REPLACE TEMP TABLE search_tokens AS
SELECT article_id, text_hash, nextval('search.doc_seq') AS doc,
       [search.tokens(title), search.tokens(lead), search.tokens(body)] AS fields
FROM search_batch WHERE status IN ('ok', 'paywalled', 'live');

INSERT INTO search.docs
SELECT article_id, doc, len(fields[1]) + len(fields[2]) + len(fields[3]), text_hash FROM search_tokens;

INSERT INTO search.terms
SELECT doc, field, term, count(*) FROM (
    SELECT doc, field, stem(unnest(tokens), 'dutch') AS term
    FROM (SELECT doc, unnest(fields) AS tokens, unnest(range(3)) AS field FROM search_tokens)
)
GROUP BY doc, field, term;

DROP TABLE search_tokens;
DROP TABLE search_batch;
