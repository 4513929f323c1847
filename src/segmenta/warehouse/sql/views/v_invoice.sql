-- v_invoice: one row per invoice (number), summing its lines.
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
