-- Each customer's first and last purchase and main country, over the whole history.
UPDATE dim_customer c
SET first_purchase_at = a.first_ts,
    last_purchase_at = a.last_ts,
    country_key = a.country_key
FROM (
    SELECT customer_key,
           min(invoice_ts) AS first_ts,
           max(invoice_ts) AS last_ts,
           mode(country_key) AS country_key
    FROM fact_invoice_line
    WHERE customer_key <> 0
    GROUP BY customer_key
) a
WHERE c.customer_key = a.customer_key;
