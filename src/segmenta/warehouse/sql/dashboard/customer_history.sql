-- customer_history: one row per calendar month with lines of customer $customer_key in the
-- filtered period and countries: gross revenue, value returned, purchase invoices; by month.
SELECT
    CAST(date_trunc('month', f.invoice_ts) AS DATE)         AS month,
    coalesce(sum(f.amount) FILTER (WHERE f.quantity > 0 AND NOT f.is_cancellation), 0)  AS revenue,
    coalesce(-sum(f.amount) FILTER (WHERE f.is_return), 0)     AS returned_value,
    count(DISTINCT f.invoice_no) FILTER (WHERE f.quantity > 0 AND NOT f.is_cancellation) AS invoices
FROM fact_invoice_line f
WHERE f.customer_key = $customer_key
  AND {{line_filter}}
GROUP BY month
ORDER BY month;
