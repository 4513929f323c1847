-- How well a customer table (staged_customer_table) matches the loaded invoices: how many of
-- its customers have invoice lines, out of all the customers with invoice lines.
SELECT
    (
        SELECT count(*)
        FROM staged_customer_table t
        WHERE t.customer_id IN (
            SELECT d.customer_id
            FROM dim_customer d
            JOIN fact_invoice_line f ON f.customer_key = d.customer_key
        )
    ) AS matched,
    (
        SELECT count(DISTINCT customer_key) FROM fact_invoice_line WHERE customer_key <> 0
    ) AS invoiced;
