-- product_buyers: one row per covered customer who bought product $product_key in the filtered
-- lines, the $limit who spent most on it first: customer key, id and name, country, segment,
-- units, gross revenue (exact DECIMAL) and purchase invoices of that product, last
-- purchase of it.
WITH
customers AS (
    SELECT c.customer_key, c.customer_id, c.display_name, c.country, c.segment_id, c.segment,
           c.churn_probability
    FROM customer_360 c
    WHERE {{customer_filter}}
),
bought AS (
    SELECT
        f.customer_key,
        CAST(sum(f.quantity) AS BIGINT) AS quantity,
        sum(f.amount)                   AS revenue,
        count(DISTINCT f.invoice_no)    AS invoices,
        max(f.invoice_ts)               AS last_bought_at
    FROM fact_invoice_line f
    WHERE f.product_key = $product_key
      AND f.quantity > 0
      AND NOT f.is_cancellation
      AND f.customer_key IN (SELECT customer_key FROM customers)
      AND {{line_filter}}
    GROUP BY f.customer_key
)
SELECT
    c.customer_key, c.customer_id, c.display_name, c.country, c.segment_id, c.segment,
    c.churn_probability, b.quantity, b.revenue, b.invoices,
    CAST(b.last_bought_at AS DATE) AS last_bought
FROM bought b
JOIN customers c ON c.customer_key = b.customer_key
ORDER BY b.revenue DESC, c.customer_key
LIMIT $limit;
