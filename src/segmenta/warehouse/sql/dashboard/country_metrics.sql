-- country_metrics: one row per country (of the invoice line) with filtered lines of covered
-- customers (the run's and those it has not segmented yet): customers buying there, gross
-- revenue, purchase invoices, revenue per customer and churn rate (the mean churn probability
-- of those customers the run scored, as of its as-of date); iso_alpha3 is NULL for
-- non-countries (European Community, Unspecified). Most revenue first. One pass over
-- agg_invoice_day by (country, customer); an invoice has one customer, so invoices add up.
WITH
people AS (
    -- the run's customers, and the analytics population's customers with lines it has not
    -- segmented yet (no churn probability), as on the overview
    SELECT d.customer_key, s.segment_id, s.risk_band, s.churn_probability
    FROM dim_customer d
    LEFT JOIN customer_360 s ON s.customer_key = d.customer_key
    WHERE s.customer_key IS NOT NULL
       OR (d.customer_key <> 0 AND NOT d.is_excluded AND d.first_purchase_at IS NOT NULL)
),
customers AS (
    SELECT c.customer_key, c.churn_probability
    FROM people c
    WHERE {{customer_filter}}
),
pairs AS (
    SELECT
        f.country_key,
        f.customer_key,
        sum(f.revenue)                                               AS revenue,
        count(DISTINCT f.invoice_no) FILTER (WHERE f.purchase_lines > 0) AS invoices
    FROM agg_invoice_day f
    WHERE f.customer_key IN (SELECT customer_key FROM customers)
      AND {{line_filter}}
    GROUP BY f.country_key, f.customer_key
),
by_country AS (
    SELECT
        p.country_key,
        count(*)                                  AS customers,
        coalesce(sum(p.revenue), 0)               AS revenue,
        CAST(coalesce(sum(p.invoices), 0) AS BIGINT) AS invoices,
        avg(c.churn_probability)                  AS churn_rate
    FROM pairs p
    JOIN customers c ON c.customer_key = p.customer_key
    GROUP BY p.country_key
)
SELECT
    k.country_name                     AS country,
    k.iso_alpha3,
    b.customers,
    b.revenue,
    b.invoices,
    b.revenue / nullif(b.customers, 0) AS revenue_per_customer,
    b.churn_rate
FROM by_country b
JOIN dim_country k ON k.country_key = b.country_key
ORDER BY b.revenue DESC, k.country_name;
