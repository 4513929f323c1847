-- staged_lines: the staged file's lines (staged_file_lines) that become facts: all of them
-- but the lines of invoices an earlier load holds and this load does not replace
-- (staged_loaded_invoices). The later load steps read this view.
CREATE OR REPLACE TEMP VIEW staged_lines AS
SELECT l.*
FROM staged_file_lines l
WHERE l.invoice_no NOT IN (
    SELECT invoice_no FROM staged_loaded_invoices WHERE NOT replace
);
