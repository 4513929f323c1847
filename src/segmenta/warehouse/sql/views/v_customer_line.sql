-- v_customer_line: one row per invoice line of the customer-analytics population: lines
-- with a known customer who is not excluded (heavy returners, named exclusions).
-- On the UCI Online Retail file: 405,522 lines of 4,312 customers.
-- columns:
--   fact_invoice_line.*: the line's columns, unchanged
CREATE OR REPLACE VIEW v_customer_line AS
SELECT f.*
FROM fact_invoice_line f
JOIN dim_customer c USING (customer_key)
WHERE f.customer_key <> 0 AND NOT c.is_excluded;
