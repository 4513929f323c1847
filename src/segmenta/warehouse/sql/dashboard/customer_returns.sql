-- customer_returns: one row per return line (negative quantity) of customer $customer_key in
-- the filtered period and countries, newest first, at most $limit: date, invoice, product,
-- units returned, value returned.
SELECT
    CAST(f.invoice_ts AS DATE) AS date,
    f.invoice_no,
    p.stock_code,
    p.description,
    -f.quantity                AS quantity,
    -f.amount                  AS value
FROM fact_invoice_line f
JOIN dim_product p ON p.product_key = f.product_key
WHERE f.customer_key = $customer_key
  AND f.is_return
  AND {{line_filter}}
ORDER BY f.invoice_ts DESC, f.line_id
LIMIT $limit;
