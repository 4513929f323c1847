-- staged_replaced_lines: every fact line of the invoices this load replaces
-- (--replace-invoices: staged_loaded_invoices with replace), whatever load holds it; the keys
-- the replacement needs to move them to rejected_row and to redo the pre-aggregates.
CREATE OR REPLACE TEMP TABLE staged_replaced_lines AS
SELECT f.line_id, f.load_id, f.invoice_no, f.date_key, f.customer_key
FROM fact_invoice_line f
JOIN staged_loaded_invoices k ON k.invoice_no = f.invoice_no
WHERE k.replace;
