-- coverage: one row: how many customers and invoice lines the current filter covers
-- ("N customers · M lines" on every page): the latest run's customers and the analytics
-- population's customers it has not segmented yet, as on the overview. Reads agg_invoice_day,
-- not the lines.
WITH
people AS (
    SELECT d.customer_key, s.segment_id, s.risk_band
    FROM dim_customer d
    LEFT JOIN customer_360 s ON s.customer_key = d.customer_key
    WHERE s.customer_key IS NOT NULL
       OR (d.customer_key <> 0 AND NOT d.is_excluded AND d.first_purchase_at IS NOT NULL)
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
