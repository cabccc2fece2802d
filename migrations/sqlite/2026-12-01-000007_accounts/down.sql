DROP TABLE not_evidence_items;
DROP TABLE rejected_suggestions;
DROP TABLE sign_in_failures;
DROP TABLE sessions;
DROP TABLE users;
