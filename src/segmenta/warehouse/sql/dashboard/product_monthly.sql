-- product_monthly: one row per (product, month) for the products in $product_keys: gross
-- revenue and units bought over the filtered purchase lines of covered customers. Months
-- without a sale have no row. Reads agg_product_day (see product_metrics.sql).
WITH
groups AS (
    SELECT DISTINCT c.segment_id, c.risk_band
    FROM customer_360 c
    WHERE {{customer_filter}}
)
SELECT
    f.product_key,
    make_date(f.date_key // 10000, f.date_key // 100 % 100, 1) AS month,
    sum(f.revenue)                                              AS revenue,
    CAST(sum(f.quantity) AS BIGINT)                             AS quantity
FROM agg_product_day f
JOIN groups g ON g.segment_id = f.segment_id AND g.risk_band IS NOT DISTINCT FROM f.risk_band
WHERE list_contains($product_keys, f.product_key)
  AND f.purchase_lines > 0
  AND {{line_filter}}
GROUP BY f.product_key, month
ORDER BY f.product_key, month;
