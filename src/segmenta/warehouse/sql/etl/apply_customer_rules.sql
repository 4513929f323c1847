-- Customer rules over the whole history: named exclusions ($excluded_ids) and customers who
-- returned more than $heavy_share of the units they bought. Other customers are included.
UPDATE dim_customer c
SET is_excluded = r.reason IS NOT NULL,
    exclusion_reason = r.reason
FROM (
    WITH
    units AS (
        SELECT customer_key,
               sum(CASE WHEN quantity > 0 THEN quantity ELSE 0 END) AS bought,
               -sum(CASE WHEN quantity < 0 THEN quantity ELSE 0 END) AS returned
        FROM fact_invoice_line
        WHERE customer_key <> 0
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
    LEFT JOIN units u USING (customer_key)
    WHERE d.customer_key <> 0
) r
WHERE c.customer_key = r.customer_key;
