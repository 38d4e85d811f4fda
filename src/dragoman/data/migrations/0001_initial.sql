-- dragoman store schema, version 1. Runs unchanged on DuckDB and PostgreSQL 15.
--
-- Every child table carries `article` (= articles.hash) and the article-local id
-- of its row ("A1", "E1", "Q1"), plus `position`, the row's index in the
-- extraction, so that an article reads back in the order it was written.
-- There are no FOREIGN KEY clauses: DuckDB checks them eagerly and refuses some
-- updates of referenced rows; integrity comes from one transaction per article
-- and is verified by `Store.check()`. Spans are `*_start`/`*_end` character
-- offsets into articles.text (`end` is a reserved word in SQL).

CREATE TABLE articles (
    hash        VARCHAR PRIMARY KEY,          -- sha1 of the clean text (16 hex): the key
    id          VARCHAR NOT NULL,             -- the input's own id, else = hash
    url         VARCHAR,
    outlet      VARCHAR,
    title       VARCHAR,
    author      VARCHAR,
    published   DATE,
    language    VARCHAR NOT NULL,
    text        VARCHAR NOT NULL,
    origin      VARCHAR NOT NULL,
    warnings    VARCHAR[] NOT NULL,
    mentions    INTEGER NOT NULL,             -- 1 + rows in article_mentions (GDELT NumArticles)
    sources     INTEGER NOT NULL,             -- distinct outlets over the article and its mentions
    added_at    TIMESTAMP NOT NULL            -- UTC
);

-- Other copies of an article (the same text, or a near-duplicate) seen elsewhere.
CREATE TABLE article_mentions (
    article     VARCHAR NOT NULL,
    key         VARCHAR NOT NULL,             -- url, else outlet|published: one row per copy
    url         VARCHAR,
    outlet      VARCHAR,
    published   DATE,
    added_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (article, key)
);

CREATE TABLE sentences (
    article     VARCHAR NOT NULL,
    position    INTEGER NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    PRIMARY KEY (article, position)
);

CREATE TABLE actors (
    article     VARCHAR NOT NULL,
    id          VARCHAR NOT NULL,
    position    INTEGER NOT NULL,
    name        VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    code        VARCHAR NOT NULL,
    country     VARCHAR,
    sectors     VARCHAR[] NOT NULL,
    why         VARCHAR NOT NULL,
    mention_count INTEGER NOT NULL,           -- rows in mentions (kept here for fast counts)
    PRIMARY KEY (article, id)
);

CREATE TABLE mentions (
    article     VARCHAR NOT NULL,
    actor       VARCHAR NOT NULL,
    position    INTEGER NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    PRIMARY KEY (article, actor, position)
);

CREATE TABLE events (
    article         VARCHAR NOT NULL,
    id              VARCHAR NOT NULL,
    position        INTEGER NOT NULL,
    global_id       BIGINT NOT NULL,          -- stable 60-bit number (GDELT GlobalEventID)
    sentence        INTEGER NOT NULL,
    sentence_text   VARCHAR,
    trigger_start   INTEGER NOT NULL,
    trigger_end     INTEGER NOT NULL,
    trigger_text    VARCHAR NOT NULL,
    source_actor    VARCHAR,                  -- article-local actor id
    source_name     VARCHAR,                  -- the actor's canonical name
    source_kind     VARCHAR,
    source_code     VARCHAR,                  -- code as of this event
    source_country  VARCHAR,
    source_sectors  VARCHAR[],
    source_text     VARCHAR,
    source_start    INTEGER,                  -- NULL when the event has no source
    source_end      INTEGER,
    target_actor    VARCHAR,
    target_name     VARCHAR,
    target_kind     VARCHAR,
    target_code     VARCHAR,
    target_country  VARCHAR,
    target_sectors  VARCHAR[],
    target_text     VARCHAR,
    target_start    INTEGER,
    target_end      INTEGER,
    cameo           VARCHAR NOT NULL,
    root            VARCHAR NOT NULL,
    plover          VARCHAR,
    quad_class      INTEGER NOT NULL,
    goldstein       DOUBLE PRECISION NOT NULL,
    date            DATE,
    date_text       VARCHAR,
    place_name      VARCHAR,
    place_geonameid BIGINT,
    place_country   VARCHAR,
    place_latitude  DOUBLE PRECISION,
    place_longitude DOUBLE PRECISION,
    place_feature   VARCHAR,
    place_start     INTEGER,                  -- NULL when the event has no place
    place_end       INTEGER,
    negated         BOOLEAN NOT NULL,
    hypothetical    BOOLEAN NOT NULL,
    quote           VARCHAR,
    confidence      DOUBLE PRECISION NOT NULL,
    rule            VARCHAR NOT NULL,
    PRIMARY KEY (article, id)
);

CREATE TABLE quotes (
    article         VARCHAR NOT NULL,
    id              VARCHAR NOT NULL,
    position        INTEGER NOT NULL,
    kind            VARCHAR NOT NULL,
    text            VARCHAR NOT NULL,
    start_char      INTEGER NOT NULL,
    end_char        INTEGER NOT NULL,
    cue_start       INTEGER,
    cue_end         INTEGER,
    cue_text        VARCHAR,
    speaker_name    VARCHAR,
    speaker_actor   VARCHAR,
    speaker_code    VARCHAR,
    speaker_text    VARCHAR,
    speaker_start   INTEGER,                  -- NULL when the speaker is unknown
    speaker_end     INTEGER,
    PRIMARY KEY (article, id)
);

-- Attribution chains: the sources an event or a quote comes through, innermost first.
CREATE TABLE attributions (
    article     VARCHAR NOT NULL,
    owner_kind  VARCHAR NOT NULL,             -- 'event' or 'quote'
    owner       VARCHAR NOT NULL,             -- the event's or quote's id
    position    INTEGER NOT NULL,
    role        VARCHAR NOT NULL,             -- speaker, relay, outlet
    name        VARCHAR NOT NULL,
    code        VARCHAR,
    actor       VARCHAR,
    start_char  INTEGER,                      -- NULL for the outlet
    end_char    INTEGER,
    text        VARCHAR,
    PRIMARY KEY (article, owner_kind, owner, position)
);
