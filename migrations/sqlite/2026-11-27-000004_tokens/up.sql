-- API tokens for writing. Only a SHA-256 hash of each token is kept; the token itself is shown once, when
-- it is created. A revoked token stays listed with the time it was revoked.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
