-- customer_profile: zero or one row: the customer $customer_key in customer_360 (latest run)
-- with their segment's description, profile (mean standardised feature values, JSON) and size.
SELECT
    c.* EXCLUDE (revenue_share_dow, revenue_share_dom),
    s.description AS segment_description,
    CAST(s.profile AS VARCHAR) AS segment_profile,
    s.n_customers AS segment_customers
FROM customer_360 c
LEFT JOIN segment_named s ON s.run_id = c.run_id AND s.segment_id = c.segment_id
WHERE c.customer_key = $customer_key;
