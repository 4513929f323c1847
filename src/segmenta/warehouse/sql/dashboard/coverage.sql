-- coverage: one row: how many customers and invoice lines the current filter covers
-- ("N customers · M lines" on every page). Reads agg_invoice_day, not the lines.
WITH
customers AS (
    SELECT c.customer_key, c.segment_id, c.risk_band
    FROM customer_360 c
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
