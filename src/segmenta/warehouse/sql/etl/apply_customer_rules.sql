-- Customer rules for the customers touched by loads $load_ids (over their whole history):
-- named exclusions ($excluded_ids) and customers who returned more than $heavy_share of the
-- units they bought. Other touched customers are included.
UPDATE dim_customer c
SET is_excluded = r.reason IS NOT NULL,
    exclusion_reason = r.reason
FROM (
    WITH
    touched AS (
        SELECT DISTINCT customer_key FROM fact_invoice_line
        WHERE load_id IN (SELECT unnest($load_ids::INTEGER[])) AND customer_key <> 0
        UNION
        SELECT customer_key FROM dim_customer
        WHERE list_contains($excluded_ids::VARCHAR[], customer_id)
    ),
    units AS (
        SELECT customer_key,
               sum(CASE WHEN quantity > 0 THEN quantity ELSE 0 END) AS bought,
               -sum(CASE WHEN quantity < 0 THEN quantity ELSE 0 END) AS returned
        FROM fact_invoice_line
        WHERE customer_key IN (SELECT customer_key FROM touched)
        GROUP BY customer_key
    )
    SELECT d.customer_key,
           CASE
               WHEN $named_enabled AND list_contains($excluded_ids::VARCHAR[], d.customer_id)
                   THEN 'exclude_named_customers'
               WHEN $heavy_enabled AND u.returned > $heavy_share * u.bought
                   THEN 'exclude_heavy_returners'
           END AS reason
    FROM dim_customer d
    JOIN touched t ON t.customer_key = d.customer_key
    LEFT JOIN units u ON u.customer_key = d.customer_key
) r
WHERE c.customer_key = r.customer_key;
