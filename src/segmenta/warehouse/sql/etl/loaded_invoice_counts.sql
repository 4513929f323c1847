-- What staged_loaded_invoices holds: invoices an earlier load holds, their fact lines there,
-- the staged file's lines of those invoices, and the earliest and latest load holding one.
SELECT
    count(*)                                              AS invoices,
    coalesce(sum(fact_lines), 0)                          AS fact_lines,
    (SELECT count(*) FROM staged_file_lines l
     WHERE l.invoice_no IN (SELECT invoice_no FROM staged_loaded_invoices)) AS staged_lines,
    min(load_id)                                          AS first_load,
    max(load_id)                                          AS last_load
FROM staged_loaded_invoices;
