-- First and last purchase and main country of the customers touched by loads $load_ids,
-- over their whole history (cost follows the new loads, not the whole fact table).
UPDATE dim_customer c
SET first_purchase_at = a.first_ts,
    last_purchase_at = a.last_ts,
    country_key = a.country_key
FROM (
    WITH
    touched AS (
        SELECT DISTINCT customer_key FROM fact_invoice_line
        WHERE load_id IN (SELECT unnest($load_ids::INTEGER[])) AND customer_key <> 0
    )
    SELECT customer_key,
           min(invoice_ts) AS first_ts,
           max(invoice_ts) AS last_ts,
           mode(country_key) AS country_key
    FROM fact_invoice_line
    WHERE customer_key IN (SELECT customer_key FROM touched)
    GROUP BY customer_key
) a
WHERE c.customer_key = a.customer_key;
