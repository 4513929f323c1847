-- The money columns a warehouse made before money was exact still stores as DOUBLE
-- (table_name, column_name); none on a current warehouse (etl/upgrade_money.sql converts them).
SELECT table_name, column_name
FROM information_schema.columns
WHERE data_type = 'DOUBLE'
  AND (table_name, column_name) IN (
      ('fact_invoice_line', 'unit_price'), ('fact_invoice_line', 'amount'),
      ('agg_invoice_day', 'revenue'), ('agg_product_day', 'revenue')
  )
ORDER BY table_name, column_name
