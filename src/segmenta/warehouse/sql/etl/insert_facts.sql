-- The staged lines become facts, with surrogate keys looked up in the dimensions.
-- line_id = $line_base + source_row: unique and increasing in file order (gaps where rows
-- were rejected). staged_duplicates lists the source rows flagged by flag_exact_duplicates.
INSERT INTO fact_invoice_line
SELECT
    $line_base + l.source_row AS line_id,
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
    d.source_row IS NOT NULL AS is_duplicate
FROM staged_lines l
JOIN dim_product p ON p.stock_code = l.stock_code
LEFT JOIN dim_customer c ON c.customer_id = l.customer_id
LEFT JOIN dim_country k ON k.country_name = l.country
LEFT JOIN staged_duplicates d ON d.source_row = l.source_row;
