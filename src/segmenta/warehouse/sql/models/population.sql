-- population (query): one row summarising the customer-analytics population's purchases
-- (v_customer_line lines with quantity > 0 on non-cancellation invoices): the first and last
-- purchase dates, purchase lines and customers. as_of_date of a model run = last_date.
SELECT
    min(invoice_ts)::DATE         AS first_date,
    max(invoice_ts)::DATE         AS last_date,
    count(*)                      AS n_lines,
    count(DISTINCT customer_key)  AS n_customers
FROM v_customer_line
WHERE quantity > 0 AND NOT is_cancellation;
