-- product_metrics: one row per product (is_product: postage, fees and discounts left out) with
-- filtered lines of covered customers: gross revenue and units bought over purchase lines
-- (quantity > 0 on a non-cancellation invoice), purchase lines, units returned (minus the
-- quantity of return lines), return rate (units returned / units bought), lines on
-- cancellation invoices and the cancellation rate (cancellation lines / (purchase lines +
-- cancellation lines)). Revenue is an exact DECIMAL sum, so rankings do not depend on the order
-- a parallel sum adds up. Most revenue first; the page ranks them.
-- Reads agg_product_day, whose rows carry the latest run's segment and risk band: a row is
-- covered when its (segment, risk band) is one the customer filter lets through.
WITH
groups AS (
    SELECT DISTINCT c.segment_id, c.risk_band
    FROM customer_360 c
    WHERE {{customer_filter}}
),
lines AS (
    SELECT f.product_key, f.revenue, f.quantity, f.purchase_lines, f.returned, f.cancelled_lines
    FROM agg_product_day f
    JOIN groups g ON g.segment_id = f.segment_id AND g.risk_band IS NOT DISTINCT FROM f.risk_band
    WHERE {{line_filter}}
),
per_product AS (
    SELECT
        product_key,
        sum(revenue)                            AS revenue,
        CAST(sum(quantity) AS BIGINT)           AS quantity,
        CAST(sum(purchase_lines) AS BIGINT)     AS purchase_lines,
        CAST(sum(returned) AS BIGINT)           AS returned,
        CAST(sum(cancelled_lines) AS BIGINT)    AS cancelled_lines
    FROM lines
    GROUP BY product_key
)
SELECT
    p.product_key,
    p.stock_code,
    coalesce(p.description, p.stock_code)                                   AS description,
    m.revenue,
    m.quantity,
    m.purchase_lines,
    m.returned,
    m.returned / nullif(m.quantity, 0)                                      AS return_rate,
    m.cancelled_lines,
    m.cancelled_lines / nullif(m.purchase_lines + m.cancelled_lines, 0)     AS cancellation_rate
FROM per_product m
JOIN dim_product p ON p.product_key = m.product_key
WHERE p.is_product
ORDER BY m.revenue DESC, p.stock_code;
