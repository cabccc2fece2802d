-- People who sign in to review reports (API tokens stay for scripts). Only an Argon2id hash of each
-- password is kept (PHC string, salt included). A disabled account cannot sign in and has no sessions.
CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
    password_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP
);

-- Signed-in sessions, kept in the database so that every instance behind a load balancer knows them.
-- The cookie holds a random secret; only its SHA-256 is stored. A session ends when its person signs
-- out, when the account is disabled or its password changed, or when it has been idle or alive for
-- longer than the settings allow.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, by account name and by client address, for the limit on repeated wrong passwords
-- (shared by every instance). Old rows are removed as new ones are written.
CREATE TABLE sign_in_failures (
    id SERIAL PRIMARY KEY,
    subject TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, failed_at);

-- Suggestions a reviewer rejected: out of the counted evidence (the mapping row is gone), kept here so
-- that the rejection shows with an undo and no re-import or re-classification suggests them again.
-- Exactly one of objective and principle is set.
CREATE TABLE rejected_suggestions (
    id SERIAL PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES evidence_items (id) ON DELETE CASCADE,
    mapping_id INTEGER,
    objective INTEGER,
    principle TEXT,
    basis TEXT NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    is_primary BOOLEAN NOT NULL,
    rationale TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    rejected_by TEXT NOT NULL,
    rejected_at TIMESTAMP NOT NULL,
    CHECK ((objective IS NULL) <> (principle IS NULL))
);
CREATE UNIQUE INDEX rejected_objective ON rejected_suggestions (item_id, objective) WHERE objective IS NOT NULL;
CREATE UNIQUE INDEX rejected_principle ON rejected_suggestions (item_id, principle) WHERE principle IS NOT NULL;

-- Passages a reviewer marked as not evidence: they count for nothing, and get no suggestions again.
CREATE TABLE not_evidence_items (
    item_id TEXT PRIMARY KEY NOT NULL REFERENCES evidence_items (id) ON DELETE CASCADE,
    marked_by TEXT NOT NULL,
    marked_at TIMESTAMP NOT NULL
);
