-- The audit log: every write to the store, who made it, when, what it touched, and for mapping decisions
-- the mapping before and after (JSON). Rows are only ever added.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    before_value TEXT,
    after_value TEXT
);
CREATE INDEX audit_log_target ON audit_log (target);
CREATE INDEX audit_log_at ON audit_log (at);
