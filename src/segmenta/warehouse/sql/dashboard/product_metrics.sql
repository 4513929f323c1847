-- product_metrics: one row per product (is_product: postage, fees and discounts left out) with
-- filtered lines of covered customers: gross revenue and units bought over purchase lines
-- (quantity > 0 on a non-cancellation invoice), purchase lines, units returned (minus the
-- quantity of return lines), return rate (units returned / units bought), lines on
-- cancellation invoices and the cancellation rate (cancellation lines / (purchase lines +
-- cancellation lines)). Revenue is rounded to the penny, so that rankings do not depend on the
-- order a parallel sum adds up. Most revenue first; the page ranks them.
WITH
customers AS (
    SELECT c.customer_key
    FROM customer_360 c
    WHERE {{customer_filter}}
),
lines AS (
    SELECT f.product_key, f.quantity, f.amount, f.is_cancellation,
           f.quantity > 0 AND NOT f.is_cancellation AS is_purchase
    FROM fact_invoice_line f
    JOIN customers c ON c.customer_key = f.customer_key
    WHERE {{line_filter}}
),
per_product AS (
    SELECT
        product_key,
        round(coalesce(sum(amount) FILTER (WHERE is_purchase), 0), 2)             AS revenue,
        CAST(coalesce(sum(quantity) FILTER (WHERE is_purchase), 0) AS BIGINT)     AS quantity,
        count(*) FILTER (WHERE is_purchase)                                       AS purchase_lines,
        CAST(coalesce(-sum(quantity) FILTER (WHERE quantity < 0), 0) AS BIGINT)   AS returned,
        count(*) FILTER (WHERE is_cancellation)                                   AS cancelled_lines
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
