-- coverage: one row: how many customers and invoice lines the current filter covers
-- ("N customers · M lines" on every page): the latest run's customers and the analytics
-- population's customers it has not segmented yet, as on the overview. Reads agg_invoice_day,
-- not the lines.
WITH
people AS (
    SELECT s.customer_key, s.segment_id, s.risk_band
    FROM customer_360 s
    UNION ALL
    SELECT d.customer_key, NULL, NULL
    FROM dim_customer d
    WHERE d.customer_key <> 0 AND NOT d.is_excluded AND d.first_purchase_at IS NOT NULL
      AND d.customer_key NOT IN (SELECT customer_key FROM customer_360)
),
customers AS (
    SELECT c.customer_key, c.segment_id, c.risk_band
    FROM people c
    WHERE {{customer_filter}}
),
lines AS (
    SELECT f.customer_key, f.lines
    FROM agg_invoice_day f
    WHERE f.customer_key IN (SELECT customer_key FROM customers)
      AND {{line_filter}}
)
SELECT
    (SELECT count(c.customer_key) FROM customers c WHERE {{coverage_filter}}) AS customers,
    (SELECT coalesce(sum(lines), 0) FROM lines)                  AS lines;
