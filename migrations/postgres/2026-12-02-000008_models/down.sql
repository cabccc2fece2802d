ALTER TABLE objective_mappings DROP COLUMN model_version;
DROP TABLE models;
