-- staged_loaded_invoices: the invoice numbers of the staged file (staged_file_lines) that
-- fact_invoice_line already holds from an earlier load: an invoice is identified by its
-- number across files. One row each: the earliest load holding it and its file, how many fact
-- lines it has, and whether this load replaces them ($replace, --replace-invoices) or rejects
-- its own copy (already_loaded_invoice). A semi-join of the distinct staged numbers.
CREATE OR REPLACE TEMP TABLE staged_loaded_invoices AS
WITH
held AS (
    SELECT f.invoice_no, min(f.load_id) AS load_id, count(*) AS fact_lines
    FROM fact_invoice_line f
    WHERE f.invoice_no IN (SELECT DISTINCT invoice_no FROM staged_file_lines)
    GROUP BY f.invoice_no
)
SELECT h.invoice_no, h.load_id, g.source_file, h.fact_lines, CAST($replace AS BOOLEAN) AS replace
FROM held h
JOIN load_log g ON g.load_id = h.load_id;
