-- The name of every table and view in the warehouse (to find the ones the schema misses).
SELECT table_name FROM information_schema.tables;
