-- The replaced fact lines (staged_replaced_lines, kept in rejected_row) leave the facts.
DELETE FROM fact_invoice_line
WHERE line_id IN (SELECT line_id FROM staged_replaced_lines);
