-- Reference data: the GCM framework (objectives, principles, groupings), the world's countries and the
-- regional blocs. The same schema as migrations/postgres; only type spellings differ.

CREATE TABLE reference_datasets (
    name TEXT PRIMARY KEY NOT NULL,
    version TEXT NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);

CREATE TABLE objectives (
    number INTEGER PRIMARY KEY NOT NULL CHECK (number BETWEEN 1 AND 23),
    title_en TEXT NOT NULL,
    title_es TEXT NOT NULL,
    short_en TEXT NOT NULL,
    short_es TEXT NOT NULL
);

CREATE TABLE principles (
    key TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL UNIQUE,
    name_en TEXT NOT NULL,
    name_es TEXT NOT NULL
);

CREATE TABLE groupings (
    id TEXT PRIMARY KEY NOT NULL,
    version TEXT NOT NULL,
    is_default BOOLEAN NOT NULL,
    title_en TEXT NOT NULL,
    title_es TEXT NOT NULL,
    source TEXT NOT NULL
);

CREATE TABLE grouping_groups (
    grouping_id TEXT NOT NULL REFERENCES groupings (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    title_en TEXT NOT NULL,
    title_es TEXT NOT NULL,
    PRIMARY KEY (grouping_id, id)
);

CREATE TABLE group_objectives (
    grouping_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    objective INTEGER NOT NULL REFERENCES objectives (number),
    PRIMARY KEY (grouping_id, group_id, objective),
    FOREIGN KEY (grouping_id, group_id) REFERENCES grouping_groups (grouping_id, id) ON DELETE CASCADE
);

CREATE TABLE countries (
    iso3 TEXT PRIMARY KEY NOT NULL,
    iso2 TEXT NOT NULL UNIQUE,
    m49 TEXT NOT NULL,
    name_en TEXT NOT NULL,
    name_es TEXT NOT NULL,
    region TEXT,
    subregion TEXT,
    -- Other names sources use for the country, separated by `|`; used to resolve names on import.
    aliases TEXT NOT NULL
);
CREATE INDEX countries_subregion ON countries (subregion);

CREATE TABLE blocs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    name_en TEXT NOT NULL,
    name_es TEXT NOT NULL,
    founded INTEGER,
    source TEXT NOT NULL
);

CREATE TABLE bloc_members (
    bloc_id TEXT NOT NULL REFERENCES blocs (id) ON DELETE CASCADE,
    iso3 TEXT NOT NULL REFERENCES countries (iso3),
    status TEXT NOT NULL CHECK (status IN ('member', 'suspended')),
    source TEXT NOT NULL,
    PRIMARY KEY (bloc_id, iso3)
);
CREATE INDEX bloc_members_iso3 ON bloc_members (iso3);
