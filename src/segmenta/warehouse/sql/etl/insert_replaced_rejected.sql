-- Rule replaced_by_later_load: the fact lines this load replaces (staged_replaced_lines) go
-- to rejected_row under the load that brought them, naming load $load_id ($source_file) that
-- replaces them; raw_values keeps the whole fact line (line_id, amount, flags) as JSON.
INSERT INTO rejected_row (
    load_id, source_file, source_row, rule, reason, invoice_no, stock_code, description,
    quantity, invoice_date, unit_price, customer_id, country, raw_values
)
SELECT
    f.load_id, g.source_file, f.source_row, 'replaced_by_later_load',
    format('invoice {} replaced by load {} ({})', f.invoice_no, $load_id, $source_file),
    f.invoice_no, p.stock_code, p.description, CAST(f.quantity AS VARCHAR),
    strftime(f.invoice_ts, '%Y-%m-%d %H:%M:%S'), CAST(f.unit_price AS VARCHAR),
    c.customer_id, k.country_name,
    to_json({
        'line_id': f.line_id, 'invoice_no': f.invoice_no, 'stock_code': p.stock_code,
        'description': p.description, 'quantity': f.quantity, 'invoice_ts': f.invoice_ts,
        'unit_price': f.unit_price, 'amount': f.amount, 'customer_id': c.customer_id,
        'country': k.country_name, 'is_duplicate': f.is_duplicate
    })
FROM fact_invoice_line f
JOIN staged_replaced_lines r ON r.line_id = f.line_id
JOIN load_log g ON g.load_id = f.load_id
JOIN dim_product p ON p.product_key = f.product_key
LEFT JOIN dim_customer c ON c.customer_key = f.customer_key
LEFT JOIN dim_country k ON k.country_key = f.country_key;
