-- The search index's rows for the articles of the batch being loaded (staging frame b_articles: id,
-- status, title, lead, body as the load stores them), inside the load's transaction. An article whose
-- status and text are as indexed is left alone; any other loses its old postings and, when its status
-- is indexed, gets new ones. The text comes from the frame: reading it back from articles would scan
-- every stored body for each batch.
CREATE OR REPLACE TEMP TABLE search_batch AS
WITH batch AS (
    SELECT id AS article_id, status, title, lead, body,
           search.text_hash(status, title, lead, body) AS text_hash
    -- typed: a frame column holding only NULLs (no lead in the batch) reaches SQL without a type
    FROM (SELECT id::VARCHAR AS id, status::VARCHAR AS status, title::VARCHAR AS title, lead::VARCHAR AS lead,
                 body::VARCHAR AS body FROM b_articles)
)
SELECT b.*, d.doc AS old_doc
FROM batch b LEFT JOIN search.docs d USING (article_id)
WHERE d.text_hash IS DISTINCT FROM b.text_hash
  AND (d.article_id IS NOT NULL OR search.indexed(b.status));

DELETE FROM search.terms WHERE doc IN (SELECT old_doc FROM search_batch WHERE old_doc IS NOT NULL);
DELETE FROM search.docs WHERE article_id IN (SELECT article_id FROM search_batch WHERE old_doc IS NOT NULL);

CREATE OR REPLACE TEMP TABLE search_tokens AS
SELECT article_id, text_hash, nextval('search.doc_seq') AS doc,
       [search.tokens(title), search.tokens(lead), search.tokens(body)] AS fields
FROM search_batch WHERE search.indexed(status);

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
