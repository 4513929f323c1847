-- The columns of the warehouse's views with their DuckDB types, in column order
-- (the catalog documents a view's columns with the types DuckDB gives them).
SELECT table_name AS view_name, column_name, data_type
FROM information_schema.columns
WHERE table_name IN (SELECT view_name FROM duckdb_views() WHERE NOT internal)
ORDER BY table_name, ordinal_position
