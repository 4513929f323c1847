-- The staged lines become facts, with surrogate keys looked up in the dimensions.
-- staged_lines carries line_id and date_key already (computed while staging).
INSERT INTO fact_invoice_line
SELECT
    l.line_id,
    $load_id AS load_id,
    l.source_row,
    l.invoice_no,
    l.invoice_ts,
    l.date_key,
    coalesce(c.customer_key, 0) AS customer_key,
    p.product_key,
    coalesce(k.country_key, 0) AS country_key,
    l.quantity,
    l.unit_price,
    l.quantity * l.unit_price AS amount,
    l.is_return,
    l.is_cancellation,
    l.is_duplicate
FROM staged_lines l
JOIN dim_product p ON p.stock_code = l.stock_code
LEFT JOIN dim_customer c ON c.customer_id = l.customer_id
LEFT JOIN dim_country k ON k.country_name = l.country;
