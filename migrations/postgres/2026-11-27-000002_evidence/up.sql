-- The evidence store: review cycles, source documents (with their text), evidence items read out of them,
-- the countries involved and their roles, mappings to objectives and principles, voluntary report
-- submissions and champion status. Dates that may be partial ("2022-02") are ISO text with a precision.

CREATE TABLE review_cycles (
    id TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    region TEXT,
    title_en TEXT NOT NULL,
    title_es TEXT NOT NULL,
    review_start TEXT,
    review_end TEXT,
    feeds_until TEXT NOT NULL,
    note TEXT
);

CREATE TABLE sources (
    id TEXT PRIMARY KEY NOT NULL,
    file_name TEXT NOT NULL,
    title TEXT NOT NULL,
    publisher TEXT NOT NULL,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    published TEXT,
    published_precision TEXT NOT NULL CHECK (published_precision IN ('day', 'month', 'year', 'unknown')),
    cycle_id TEXT NOT NULL REFERENCES review_cycles (id),
    note TEXT,
    checksum TEXT NOT NULL,
    line_count INTEGER NOT NULL,
    body TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL
);

CREATE TABLE evidence_items (
    id TEXT PRIMARY KEY NOT NULL,
    source_id TEXT NOT NULL REFERENCES sources (id),
    line_start INTEGER NOT NULL,
    line_end INTEGER NOT NULL,
    kind TEXT NOT NULL,
    context TEXT,
    title TEXT NOT NULL,
    summary TEXT,
    quote TEXT NOT NULL,
    language TEXT NOT NULL,
    reporting_iso3 TEXT REFERENCES countries (iso3),
    actor TEXT,
    actor_type TEXT,
    year INTEGER,
    date TEXT,
    status TEXT,
    -- Figures and results the source reports for the item, as a JSON array of strings (depth 3 needs one).
    figures TEXT NOT NULL,
    -- Fingerprint of the item as imported (with its countries and mappings): re-importing an unchanged
    -- item is recognised and skipped.
    content_hash TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    CHECK (line_start >= 1 AND line_end >= line_start)
);
CREATE INDEX evidence_items_reporting ON evidence_items (reporting_iso3);
CREATE INDEX evidence_items_source ON evidence_items (source_id, line_start);

CREATE TABLE item_countries (
    item_id TEXT NOT NULL REFERENCES evidence_items (id) ON DELETE CASCADE,
    iso3 TEXT NOT NULL REFERENCES countries (iso3),
    role TEXT NOT NULL,
    detail TEXT,
    PRIMARY KEY (item_id, iso3, role)
);
CREATE INDEX item_countries_iso3 ON item_countries (iso3);

CREATE TABLE objective_mappings (
    id SERIAL PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES evidence_items (id) ON DELETE CASCADE,
    objective INTEGER NOT NULL REFERENCES objectives (number),
    basis TEXT NOT NULL CHECK (basis IN ('cited', 'subject', 'section', 'inferred', 'auto', 'reviewed')),
    confidence DOUBLE PRECISION NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    is_primary BOOLEAN NOT NULL,
    rationale TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (item_id, objective)
);
CREATE INDEX objective_mappings_objective ON objective_mappings (objective, basis);

CREATE TABLE principle_mappings (
    item_id TEXT NOT NULL REFERENCES evidence_items (id) ON DELETE CASCADE,
    principle TEXT NOT NULL REFERENCES principles (key),
    basis TEXT NOT NULL CHECK (basis IN ('cited', 'subject', 'section', 'inferred', 'auto', 'reviewed')),
    confidence DOUBLE PRECISION NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (item_id, principle)
);
CREATE INDEX principle_mappings_principle ON principle_mappings (principle);

CREATE TABLE submissions (
    cycle_id TEXT NOT NULL REFERENCES review_cycles (id),
    iso3 TEXT NOT NULL REFERENCES countries (iso3),
    kind TEXT NOT NULL,
    source_id TEXT REFERENCES sources (id),
    line_start INTEGER,
    line_end INTEGER,
    PRIMARY KEY (cycle_id, iso3, kind)
);

CREATE TABLE champions (
    iso3 TEXT PRIMARY KEY NOT NULL REFERENCES countries (iso3),
    since TEXT,
    as_of TEXT NOT NULL,
    source_id TEXT REFERENCES sources (id),
    line_start INTEGER,
    line_end INTEGER,
    note TEXT
);

-- A counter raised by every write to the evidence store, in the same transaction. Computed indicators are
-- cached per version, so a write made by any process (a CLI import while the server runs) invalidates them.
CREATE TABLE data_versions (
    name TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
INSERT INTO data_versions (name, version, changed_at) VALUES ('evidence', 0, '1970-01-01 00:00:00');
