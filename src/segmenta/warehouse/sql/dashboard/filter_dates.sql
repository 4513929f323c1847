-- filter_dates: one row: the first and last invoice date of the accepted lines (the date
-- slicer's bounds). Both NULL when no invoices are loaded.
SELECT
    CAST(min(f.invoice_ts) AS DATE) AS date_min,
    CAST(max(f.invoice_ts) AS DATE) AS date_max
FROM fact_invoice_line f;
