-- One article per canonical URL (ids derive from it, so a hit here means a bug in urls.py or a load).
SELECT canonical_url, count(*) AS n FROM articles GROUP BY canonical_url HAVING count(*) > 1;
