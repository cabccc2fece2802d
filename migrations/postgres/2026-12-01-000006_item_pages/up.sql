-- The pages a passage of a paged report (a PDF) spans, 1-based and inclusive, beside its line span.
-- Both empty for an item of an unpaged text; both given, and in order, otherwise.
ALTER TABLE evidence_items ADD COLUMN page_start INTEGER;
ALTER TABLE evidence_items ADD COLUMN page_end INTEGER;
