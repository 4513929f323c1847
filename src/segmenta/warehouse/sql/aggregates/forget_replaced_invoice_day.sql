-- forget_replaced_invoice_day: remove the agg_invoice_day rows of the replaced invoices in
-- the loads that held them (staged_replaced_lines); the rows are per invoice, so this is exact.
DELETE FROM agg_invoice_day a
WHERE EXISTS (
    SELECT 1 FROM staged_replaced_lines r
    WHERE r.load_id = a.load_id AND r.invoice_no = a.invoice_no
);
