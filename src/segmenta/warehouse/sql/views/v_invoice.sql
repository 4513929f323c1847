-- v_invoice: one row per invoice (number), summing its lines.
-- columns:
--   invoice_no = fact_invoice_line.invoice_no
--   invoice_ts: the earliest invoice_ts of its lines
--   customer_key: dim_customer.customer_key of (any of) its lines; 0 = unknown customer
--   country_key: dim_country.country_key of (any of) its lines
--   n_lines: accepted lines of the invoice
--   quantity: sum of the lines' quantity (returns count negative)
--   amount: sum of the lines' amount (returns count negative)
--   is_cancellation: some line is on a cancellation invoice (the number starts with 'C')
--   has_returns: some line has a negative quantity
--   customer_id = dim_customer.customer_id
--   display_name = dim_customer.display_name
--   country_name = dim_country.country_name
CREATE OR REPLACE VIEW v_invoice AS
WITH
lines AS (SELECT * FROM fact_invoice_line),
invoices AS (
    SELECT
        invoice_no,
        min(invoice_ts)                       AS invoice_ts,
        any_value(customer_key)               AS customer_key,
        any_value(country_key)                AS country_key,
        count(*)                              AS n_lines,
        sum(quantity)                         AS quantity,
        sum(amount)                           AS amount,
        bool_or(is_cancellation)              AS is_cancellation,
        bool_or(is_return)                    AS has_returns
    FROM lines
    GROUP BY invoice_no
)
SELECT invoices.*, c.customer_id, c.display_name, k.country_name
FROM invoices
JOIN dim_customer c ON c.customer_key = invoices.customer_key
JOIN dim_country k ON k.country_key = invoices.country_key;
