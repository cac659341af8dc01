-- The full-text search index, kept at load: each load writes the postings of the articles it stores
-- (sql/refresh/search_index.sql), inside its transaction, so the index is never behind the articles
-- and no run ever rebuilds it over the whole archive. search.match_bm25 (sql/views/search.sql) ranks
-- with BM25 over these tables. It replaces the fts extension's index (schema fts_main_articles), which
-- could only be rebuilt whole and whose rebuild's memory grew with the archive.
DROP SCHEMA IF EXISTS fts_main_articles CASCADE;
DELETE FROM maintenance WHERE task = 'fts';

CREATE SCHEMA IF NOT EXISTS search;
-- doc numbers rise with every (re)indexed article, so the postings of a batch sit together on disk and
-- a re-indexed article's old postings are found by their number's range without reading the rest
CREATE SEQUENCE IF NOT EXISTS search.doc_seq;

-- One row per indexed article: articles whose status is ok, paywalled or live (not front pages, empty,
-- non-Dutch or consent pages).
CREATE TABLE IF NOT EXISTS search.docs (
    article_id VARCHAR PRIMARY KEY,
    doc        BIGINT NOT NULL,
    len        INTEGER NOT NULL,            -- tokens in title, lead and body
    text_hash  VARCHAR NOT NULL             -- md5 of status, title, lead and body when indexed
);

-- One row per (article, field, stemmed term): how often the term occurs there.
CREATE TABLE IF NOT EXISTS search.terms (
    doc   BIGINT NOT NULL,
    field UTINYINT NOT NULL,                -- 0 title, 1 lead, 2 body
    term  VARCHAR NOT NULL,
    tf    INTEGER NOT NULL
);
