-- Topic decisions with their evidence, and the dated events of tagged articles.

CREATE TABLE IF NOT EXISTS article_topics (
    article_id    VARCHAR NOT NULL,
    topic         VARCHAR NOT NULL,          -- e.g. nk_ru (config/topics.yaml)
    relevance     VARCHAR NOT NULL,          -- primary | secondary | mention | none
    score         DOUBLE NOT NULL,           -- 0..1, the weighted sum of the evidence features
    themes        VARCHAR[] NOT NULL,        -- e.g. [diplomacy_summit, military_cooperation]
    evidence      JSON NOT NULL,             -- relation sentences, matched terms with offsets, features
    rules_version VARCHAR NOT NULL,
    PRIMARY KEY (article_id, topic)
);

CREATE TABLE IF NOT EXISTS events (
    article_id    VARCHAR NOT NULL,
    field         VARCHAR NOT NULL,          -- title | lead | body
    start_char    INTEGER NOT NULL,          -- offsets of the expression in that field
    end_char      INTEGER NOT NULL,
    expression    VARCHAR NOT NULL,          -- as written, e.g. 'donderdag', 'eind 2017'
    date_start    DATE,                      -- NULL: found but not resolvable (relative to another event, vague)
    date_end      DATE,
    precision     VARCHAR,                   -- day | week | month | quarter | year
    sentence      VARCHAR NOT NULL,          -- the sentence that carries it
    entity_ids    VARCHAR[] NOT NULL,        -- linked entities in that sentence
    rules_version VARCHAR NOT NULL,
    PRIMARY KEY (article_id, field, start_char)
);
