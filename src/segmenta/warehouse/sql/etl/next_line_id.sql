-- The first line id of the next load.
SELECT coalesce(max(line_id), 0) + 1 FROM fact_invoice_line;
