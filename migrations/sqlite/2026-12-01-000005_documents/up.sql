-- Reports uploaded for ingestion, one row per stored document. The SHA-256 of the bytes as received is
-- unique, so the same file uploaded twice (at the same moment, or through two instances) is refused by
-- the database itself rather than by a check that two requests can both pass. The row is written first
-- in its transaction, before its source exists, hence the deferred foreign key.
CREATE TABLE documents (
    source_id TEXT PRIMARY KEY NOT NULL REFERENCES sources (id) DEFERRABLE INITIALLY DEFERRED,
    content_sha256 TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    byte_count BIGINT NOT NULL,
    pages INTEGER,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);

-- Documents stored before this table existed: their text was the upload, so its checksum is the upload's.
INSERT INTO documents (source_id, content_sha256, format, byte_count, pages, uploaded_by, uploaded_at)
SELECT s.id,
       s.checksum,
       CASE WHEN s.file_name LIKE '%.md' THEN 'markdown' ELSE 'text' END,
       length(CAST(s.body AS BLOB)),
       NULL,
       COALESCE((SELECT a.actor FROM audit_log a
                 WHERE a.action = 'document.ingest' AND a.target = 'source:' || s.id
                 ORDER BY a.id LIMIT 1), 'unknown'),
       s.imported_at
FROM sources s
WHERE s.id LIKE 'doc-%'
  AND s.id = (SELECT MIN(t.id) FROM sources t WHERE t.checksum = s.checksum AND t.id LIKE 'doc-%');
