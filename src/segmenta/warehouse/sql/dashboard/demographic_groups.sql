-- demographic_groups: one row per (age group, gender, segment) of covered customers: customers
-- and gross revenue over the filtered lines. Age groups: <20, 20-30, 30-40, 40-50, 50-70, 70+
-- (lower bound inclusive), 'unknown' where the warehouse has no age; gender 'unknown' likewise.
-- age_order sorts the groups. Tiny: the page aggregates it further for each chart.
WITH
customers AS (
    SELECT c.customer_key, c.segment_id, c.segment, c.age, c.gender
    FROM customer_360 c
    WHERE {{customer_filter}}
),
lines AS (
    SELECT f.customer_key, f.revenue
    FROM agg_invoice_day f
    WHERE f.customer_key IN (SELECT customer_key FROM customers)
      AND {{line_filter}}
),
per_customer AS (
    SELECT customer_key, sum(revenue) AS revenue
    FROM lines
    GROUP BY customer_key
),
covered AS (
    SELECT
        c.segment_id, c.segment, p.revenue,
        CASE
            WHEN c.age IS NULL THEN 'unknown'
            WHEN c.age < 20 THEN '<20'
            WHEN c.age < 30 THEN '20-30'
            WHEN c.age < 40 THEN '30-40'
            WHEN c.age < 50 THEN '40-50'
            WHEN c.age < 70 THEN '50-70'
            ELSE '70+'
        END AS age_group,
        CASE
            WHEN c.age IS NULL THEN 9
            WHEN c.age < 20 THEN 0
            WHEN c.age < 30 THEN 1
            WHEN c.age < 40 THEN 2
            WHEN c.age < 50 THEN 3
            WHEN c.age < 70 THEN 4
            ELSE 5
        END AS age_order,
        coalesce(nullif(trim(c.gender), ''), 'unknown') AS gender
    FROM customers c
    LEFT JOIN per_customer p ON p.customer_key = c.customer_key
    WHERE {{coverage_filter}}
)
SELECT
    age_group, age_order, gender, segment_id, any_value(segment) AS segment,
    count(*)                  AS customers,
    coalesce(sum(revenue), 0) AS revenue
FROM covered
GROUP BY age_group, age_order, gender, segment_id
ORDER BY age_order, gender, segment_id;
