-- product_segments: one row per segment whose covered customers bought product $product_key in
-- the filtered lines, in segment_id order: buying customers, units and gross revenue.
WITH
customers AS (
    SELECT c.customer_key, c.segment_id, c.segment
    FROM customer_360 c
    WHERE {{customer_filter}}
),
bought AS (
    SELECT f.customer_key, sum(f.quantity) AS quantity, sum(f.amount) AS revenue
    FROM fact_invoice_line f
    WHERE f.product_key = $product_key
      AND f.quantity > 0
      AND NOT f.is_cancellation
      AND f.customer_key IN (SELECT customer_key FROM customers)
      AND {{line_filter}}
    GROUP BY f.customer_key
)
SELECT
    c.segment_id,
    any_value(c.segment)               AS segment,
    count(*)                           AS customers,
    CAST(sum(b.quantity) AS BIGINT)    AS quantity,
    sum(b.revenue)                     AS revenue
FROM bought b
JOIN customers c ON c.customer_key = b.customer_key
GROUP BY c.segment_id
ORDER BY c.segment_id;
