-- The line-id base of the next load: line ids of a load are base + source_row.
SELECT coalesce(max(line_id), 0) FROM fact_invoice_line;
