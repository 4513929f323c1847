-- Rejected rows of this load, with their raw values (staged_rejected).
INSERT INTO rejected_row
SELECT $load_id, $source_file, source_row, rule, reason,
       invoice_no, stock_code, description, quantity, invoice_date,
       unit_price, customer_id, country, raw_values
FROM staged_rejected;
