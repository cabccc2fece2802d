ALTER TABLE evidence_items DROP COLUMN page_end;
ALTER TABLE evidence_items DROP COLUMN page_start;
