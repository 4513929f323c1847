-- pending_loads: one row per invoice load with accepted lines whose rows are missing from a
-- pre-aggregate: load_id and which of the two tables need it. agg_product_day counts as
-- missing a load when it was built for another model run than $run_id (it is then rebuilt).
WITH
loads AS (
    SELECT load_id FROM load_log WHERE file_kind = 'invoices' AND rows_loaded > 0
),
invoice_day AS (SELECT DISTINCT load_id FROM agg_invoice_day),
product_day AS (
    SELECT DISTINCT load_id FROM agg_product_day WHERE run_id IS NOT DISTINCT FROM $run_id
)
SELECT
    l.load_id,
    l.load_id NOT IN (SELECT load_id FROM invoice_day) AS invoice_day,
    l.load_id NOT IN (SELECT load_id FROM product_day) AS product_day
FROM loads l
WHERE l.load_id NOT IN (SELECT load_id FROM invoice_day)
   OR l.load_id NOT IN (SELECT load_id FROM product_day)
ORDER BY l.load_id;
