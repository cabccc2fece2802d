-- Editions: frozen, citable states of the store. Each row holds the canonical export of every table an
-- answer reads (reference data, cycles, sources, items, mappings, submissions, champions, review marks),
-- gzip-compressed, with the SHA-256 of the uncompressed export. Rows are never updated (docs/EDITIONS.md).
CREATE TABLE editions (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    method_version TEXT NOT NULL,
    model_version TEXT NOT NULL,
    framework_version TEXT NOT NULL,
    source_count INTEGER NOT NULL,
    item_count INTEGER NOT NULL,
    mapping_count INTEGER NOT NULL,
    country_count INTEGER NOT NULL,
    export_sha256 TEXT NOT NULL,
    export_bytes BIGINT NOT NULL,
    content BLOB NOT NULL
);
