-- schema_columns: one row per column of every table and view of the warehouse (main schema),
-- from information_schema: relation name, 'table' or 'view', column name, its DuckDB type and
-- position. Relations in name order, columns in table order.
SELECT
    c.table_name                                              AS relation,
    CASE WHEN t.table_type = 'VIEW' THEN 'view' ELSE 'table' END AS kind,
    c.column_name                                             AS column_name,
    c.data_type                                               AS data_type,
    c.ordinal_position                                        AS position
FROM information_schema.columns c
JOIN information_schema.tables t
  ON t.table_catalog = c.table_catalog
 AND t.table_schema = c.table_schema
 AND t.table_name = c.table_name
WHERE c.table_schema = 'main'
  AND c.table_catalog = current_database()
ORDER BY kind, relation, position;
