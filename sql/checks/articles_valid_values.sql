-- Closed vocabularies and sane numbers.
SELECT id, status, published_source, word_count FROM articles
WHERE status NOT IN ('ok', 'empty', 'paywalled', 'not_article', 'not_dutch')
   OR published_source NOT IN ('feed', 'jsonld', 'meta', 'url', 'fetched')
   OR word_count < 0
   OR (status = 'ok' AND word_count = 0);
