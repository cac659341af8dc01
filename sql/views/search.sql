-- Full-text search over the index kept at load (sql/schema/012_search_index.sql): BM25 with the Dutch
-- Snowball stemmer, so "militair" also finds "militairen". Text is lower-cased, accents are stripped
-- and every run of characters other than a-z and 0-9 separates two tokens. Needs the fts extension
-- loaded (for stem), which Store.open and `make sql` do.
--
--   SELECT * FROM search.articles('militair Koersk') LIMIT 20;             -- best first
--   SELECT id, search.match_bm25(id, 'Vostotsjny') AS score FROM articles; -- NULL: no query term
--
-- match_bm25 takes the fts extension's options: fields := 'title,lead' limits the fields searched,
-- k and b are BM25's parameters, conjunctive := 1 keeps articles holding every query term.
-- Which articles the index holds, and the hash that tells whether it holds one as it now is: one
-- definition for the loads (sql/refresh/search_index.sql), Store.index_pending and the check.
CREATE OR REPLACE MACRO search.indexed(status) AS status IN ('ok', 'paywalled', 'live');
CREATE OR REPLACE MACRO search.text_hash(status, title, lead, body) AS md5(concat_ws(chr(1), status, title, lead, body));

CREATE OR REPLACE MACRO search.tokens(s) AS
    list_filter(string_split_regex(lower(strip_accents(coalesce(s, ''))), '[^a-z0-9]+'), t -> t <> '');

CREATE OR REPLACE MACRO search.scores(query_string, fields := NULL, k := 1.2, b := 0.75, conjunctive := 0) AS TABLE
WITH q AS (
    SELECT DISTINCT stem(unnest(search.tokens(query_string)), 'dutch') AS term
),
postings AS (
    SELECT t.doc, t.term, t.field, t.tf FROM search.terms t SEMI JOIN q USING (term)
),
-- document frequency over every field, as the fts extension counts it; term frequency in the fields asked
df AS (SELECT term, count(DISTINCT doc) AS df FROM postings GROUP BY term),
hits AS (
    SELECT doc, term, sum(tf) AS tf FROM postings
    WHERE fields IS NULL OR list_contains(string_split(fields, ','), ['title', 'lead', 'body'][field + 1])
    GROUP BY doc, term
),
n AS (SELECT count(*) AS num, avg(len) AS avgdl FROM search.docs),
scores AS (
    SELECT h.doc, count(*) AS matched,
           sum(log((n.num - df.df + 0.5) / (df.df + 0.5) + 1)
               * h.tf * (k + 1) / (h.tf + k * (1 - b + b * d.len / n.avgdl))) AS score
    FROM hits h JOIN df USING (term) JOIN search.docs d USING (doc) CROSS JOIN n
    GROUP BY h.doc
)
SELECT d.article_id, s.score
FROM scores s JOIN search.docs d USING (doc)
WHERE conjunctive = 0 OR s.matched = (SELECT count(*) FROM q);

CREATE OR REPLACE MACRO search.match_bm25(input_id, query_string, fields := NULL, k := 1.2, b := 0.75, conjunctive := 0) AS (
    SELECT score FROM search.scores(query_string, fields := fields, k := k, b := b, conjunctive := conjunctive)
    WHERE article_id = input_id
);

CREATE OR REPLACE MACRO search.articles(query_string, fields := NULL, conjunctive := 0) AS TABLE
SELECT s.score, a.id AS article_id, a.outlet_id, a.published_at, a.title, a.url
FROM search.scores(query_string, fields := fields, conjunctive := conjunctive) s
JOIN articles a ON a.id = s.article_id
ORDER BY s.score DESC, a.published_at DESC, a.id;
