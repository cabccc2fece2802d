-- Trained mapping models, one row per version. None is current in a fresh store: the bundled lexicon
-- is then the model. At most one row is current (the partial unique index); `gcm mapping use` moves
-- the mark, `gcm mapping use lexicon` clears it.
CREATE TABLE models (
    version TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    examples INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    -- SHA-256 (hex) of the canonical training data (docs/MAPPING.md).
    training_sha256 TEXT NOT NULL,
    lexicon_version TEXT NOT NULL,
    -- Leave-one-document-out top-1 and top-3 of this model on its training data's folds.
    top1 DOUBLE PRECISION NOT NULL,
    top3 DOUBLE PRECISION NOT NULL,
    -- The whole evaluation (the current model's and this one's figures, overall, per language and per
    -- objective), as JSON.
    evaluation TEXT NOT NULL,
    -- The model (gcm-model/1 JSON, with its own checksum) and the labelled passages it learned from
    -- (JSON), so that the next training can score this one's procedure on the same folds.
    model TEXT NOT NULL,
    training_data TEXT NOT NULL,
    is_current BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX models_one_current ON models (is_current) WHERE is_current;

-- The model (or lexicon) version that made a suggestion; empty for mappings that are no suggestion.
ALTER TABLE objective_mappings ADD COLUMN model_version TEXT;
