-- Closed vocabularies and sane numbers.
SELECT id, status, published_source, word_count FROM articles
WHERE status NOT IN ('ok', 'empty', 'paywalled', 'not_article', 'not_dutch', 'live')
   OR published_source NOT IN ('jsonld', 'meta', 'rdfa', 'time', 'htmldate', 'visible', 'url', 'feed', 'fetched')
   OR word_count < 0
   OR (status = 'ok' AND word_count = 0);
