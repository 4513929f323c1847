-- New customers from staged_customers (customer_id, display_name, country_name).
INSERT INTO dim_customer (customer_key, customer_id, display_name, country_key)
SELECT
    (SELECT coalesce(max(customer_key), 0) FROM dim_customer)
        + row_number() OVER (ORDER BY s.customer_id) AS customer_key,
    s.customer_id,
    s.display_name,
    coalesce(k.country_key, 0)
FROM staged_customers s
LEFT JOIN dim_country k ON k.country_name = s.country_name
WHERE s.customer_id NOT IN (SELECT customer_id FROM dim_customer WHERE customer_id IS NOT NULL);
