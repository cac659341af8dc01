-- Entities from config/entities.yaml and their mentions in articles.

CREATE TABLE IF NOT EXISTS entities (
    id          VARCHAR PRIMARY KEY,     -- Wikidata QID where one exists, else 'nm:<slug>'
    type        VARCHAR NOT NULL,        -- person | country | place | organisation | other
    country     VARCHAR,                 -- ISO 3166-1 alpha-2 of the affiliation
    name_nl     VARCHAR NOT NULL,
    name_en     VARCHAR,
    metonym_for VARCHAR,                 -- the government this place/institution can stand for
    tags        VARCHAR[],
    gazetteer_version VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS entity_aliases (
    entity_id VARCHAR NOT NULL,
    alias     VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,          -- name | surname | adjective | demonym | role
    valid_from DATE,                     -- for role phrases: when the entity held the role
    valid_to   DATE
);

CREATE TABLE IF NOT EXISTS entity_mentions (
    article_id  VARCHAR NOT NULL,
    field       VARCHAR NOT NULL,        -- title | lead | body
    start_char  INTEGER NOT NULL,        -- offsets into that field, [start_char, end_char)
    end_char    INTEGER NOT NULL,
    entity_id   VARCHAR,                 -- NULL: a name that was found but not linked
    surface     VARCHAR NOT NULL,
    sentence    INTEGER NOT NULL,        -- sentence index within the field
    kind        VARCHAR NOT NULL,        -- name | surname | role | adjective | demonym | metonym
    source      VARCHAR NOT NULL,        -- gazetteer | candidate
    refers_to   VARCHAR,                 -- for metonyms: the government meant (e.g. Moskou -> Rusland)
    gazetteer_version VARCHAR NOT NULL,
    PRIMARY KEY (article_id, field, start_char)
);
