-- Rule already_loaded_invoice: the staged lines of invoices an earlier load holds (and this
-- load does not replace) go to rejected_row, naming the load and file that hold the invoice.
-- The value columns hold the line as the rules read it (text), raw_values all of it as JSON.
INSERT INTO rejected_row (
    load_id, source_file, source_row, rule, reason, invoice_no, stock_code, description,
    quantity, invoice_date, unit_price, customer_id, country, raw_values
)
SELECT
    $load_id, $source_file, l.source_row, 'already_loaded_invoice',
    format('invoice {} is already loaded: load {} ({}) holds it', l.invoice_no, k.load_id, k.source_file),
    l.invoice_no, l.stock_code, l.description, CAST(l.quantity AS VARCHAR),
    strftime(l.invoice_ts, '%Y-%m-%d %H:%M:%S'), CAST(l.unit_price AS VARCHAR),
    CAST(l.customer_id AS VARCHAR), l.country,
    to_json({
        'invoice_no': l.invoice_no, 'stock_code': l.stock_code, 'description': l.description,
        'quantity': l.quantity, 'invoice_ts': l.invoice_ts, 'unit_price': l.unit_price,
        'customer_id': l.customer_id, 'country': l.country
    })
FROM staged_file_lines l
JOIN staged_loaded_invoices k ON k.invoice_no = l.invoice_no
WHERE NOT k.replace;
