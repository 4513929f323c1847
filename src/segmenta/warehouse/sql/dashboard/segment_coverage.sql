-- segment_coverage: one row per segment of the latest run with covered customers, in
-- segment_id order: how many of its customers the current filter covers.
WITH
customers AS (
    SELECT c.customer_key, c.segment_id
    FROM customer_360 c
    WHERE {{customer_filter}}
),
lines AS (
    SELECT DISTINCT f.customer_key
    FROM agg_invoice_day f
    JOIN customers c ON c.customer_key = f.customer_key
    WHERE {{line_filter}}
)
SELECT c.segment_id, count(*) AS customers
FROM customers c
WHERE {{coverage_filter}}
GROUP BY c.segment_id
ORDER BY c.segment_id;
