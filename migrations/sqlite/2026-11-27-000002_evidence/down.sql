DROP TABLE champions;
DROP TABLE submissions;
DROP TABLE principle_mappings;
DROP TABLE objective_mappings;
DROP TABLE item_countries;
DROP TABLE evidence_items;
DROP TABLE sources;
DROP TABLE review_cycles;
