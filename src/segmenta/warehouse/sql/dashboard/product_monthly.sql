-- product_monthly: one row per (product, month) for the products in $product_keys: gross
-- revenue and units bought over the filtered purchase lines of covered customers. Months
-- without a sale have no row.
WITH
customers AS (
    SELECT c.customer_key
    FROM customer_360 c
    WHERE {{customer_filter}}
)
SELECT
    f.product_key,
    CAST(date_trunc('month', f.invoice_ts) AS DATE) AS month,
    round(sum(f.amount), 2)                         AS revenue,  -- to the penny: parallel sums differ in the last bits
    CAST(sum(f.quantity) AS BIGINT)                 AS quantity
FROM fact_invoice_line f
WHERE list_contains($product_keys, f.product_key)
  AND f.quantity > 0
  AND NOT f.is_cancellation
  AND f.customer_key IN (SELECT customer_key FROM customers)
  AND {{line_filter}}
GROUP BY f.product_key, month
ORDER BY f.product_key, month;
