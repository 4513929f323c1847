-- customer_top_products: one row per product that customer $customer_key bought in the
-- filtered period and countries, the $limit with the most gross revenue first: stock code,
-- description, units, revenue, invoices.
SELECT
    p.stock_code,
    p.description,
    CAST(sum(f.quantity) AS BIGINT) AS quantity,
    sum(f.amount)                AS revenue,
    count(DISTINCT f.invoice_no) AS invoices
FROM fact_invoice_line f
JOIN dim_product p ON p.product_key = f.product_key
WHERE f.customer_key = $customer_key
  AND f.quantity > 0
  AND NOT f.is_cancellation
  AND {{line_filter}}
GROUP BY p.stock_code, p.description
ORDER BY revenue DESC, p.stock_code
LIMIT $limit;
