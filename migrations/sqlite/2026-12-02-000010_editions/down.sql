DROP TABLE editions;
