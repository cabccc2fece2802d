-- Whose voice each source is (docs/METHODOLOGY.md 2.12): government, un, intergovernmental,
-- civil_society, academic or other. Every source gets one; stored sources get it from their record:
-- a national report is its government's; a publisher of the UN system (the UN Network on Migration,
-- IOM) is `un`; a regional process or intergovernmental organisation outside the UN system (the
-- Regional and South American Conferences on Migration, the OAS and the Summits of the Americas, the
-- European Union) is `intergovernmental`; anything else takes the default of its kind, as an import
-- without a `voice` does (`Voice::default_for_kind`).
ALTER TABLE sources ADD COLUMN voice TEXT NOT NULL DEFAULT 'other'
    CHECK (voice IN ('government', 'un', 'intergovernmental', 'civil_society', 'academic', 'other'));

-- Publishers are compared in lower case: SQLite's LIKE ignores ASCII case and PostgreSQL's does not, so
-- both backends give a stored source the same voice.
UPDATE sources SET voice = CASE
    WHEN kind = 'national_report' THEN 'government'
    WHEN lower(publisher) LIKE 'united nations%' OR lower(publisher) LIKE 'un %'
        OR lower(publisher) LIKE 'international organization for migration%'
        OR lower(publisher) LIKE 'iom%' THEN 'un'
    WHEN lower(publisher) LIKE '%conference on migration%'
        OR lower(publisher) LIKE '%organization of american states%'
        OR lower(publisher) LIKE '%summits of the americas%'
        OR lower(publisher) LIKE '%european union%' THEN 'intergovernmental'
    WHEN kind = 'regional_review_report' THEN 'un'
    WHEN kind = 'meeting_report' THEN 'intergovernmental'
    ELSE 'other'
END;
