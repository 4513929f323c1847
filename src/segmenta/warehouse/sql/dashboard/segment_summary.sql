-- segment_summary: one row per segment of the latest model run that has covered customers,
-- in segment_id order, when a date or country filter is set: customers (count and share) and,
-- over the filtered lines, gross revenue, revenue per customer and share, purchase invoices,
-- units bought, units returned and return rate; the mean recency (days) and frequency
-- (invoices) of the run's features. A purchase line has quantity > 0 on a non-cancellation
-- invoice and a return line quantity < 0, as in the models' features. The overview's KPI
-- cards are sums of these rows.
WITH
customers AS (
    SELECT c.customer_key, c.segment_id, c.segment, c.recency_days, c.frequency
    FROM customer_360 c
    WHERE {{customer_filter}}
),
lines AS (
    SELECT f.customer_key, f.invoice_no, f.quantity, f.amount, f.is_return,
           f.quantity > 0 AND NOT f.is_cancellation AS is_purchase
    FROM fact_invoice_line f
    WHERE f.customer_key IN (SELECT customer_key FROM customers)
      AND {{line_filter}}
),
per_customer AS (
    SELECT
        customer_key,
        sum(amount) FILTER (WHERE is_purchase)                AS revenue,
        count(DISTINCT invoice_no) FILTER (WHERE is_purchase) AS invoices,
        CAST(sum(quantity) FILTER (WHERE is_purchase) AS DOUBLE) AS items,
        CAST(-sum(quantity) FILTER (WHERE is_return) AS DOUBLE) AS returned_items
    FROM lines
    GROUP BY customer_key
),
covered AS (
    SELECT c.segment_id, c.segment, c.recency_days, c.frequency,
           p.revenue, p.invoices, p.items, p.returned_items
    FROM customers c
    LEFT JOIN per_customer p ON p.customer_key = c.customer_key
    WHERE {{coverage_filter}}
)
SELECT
    segment_id,
    any_value(segment)                                            AS segment,
    count(*)                                                      AS customers,
    count(*) / sum(count(*)) OVER ()                              AS customer_share,
    coalesce(sum(revenue), 0)                                     AS revenue,
    coalesce(sum(revenue), 0) / count(*)                          AS revenue_per_customer,
    coalesce(sum(revenue), 0) / nullif(sum(sum(revenue)) OVER (), 0) AS revenue_share,
    avg(recency_days)                                             AS recency_days,
    avg(frequency)                                                AS frequency,
    coalesce(sum(invoices), 0)                                    AS invoices,
    coalesce(sum(items), 0)                                       AS items,
    coalesce(sum(returned_items), 0)                              AS returned_items,
    coalesce(sum(returned_items), 0) / nullif(sum(items), 0)      AS return_rate
FROM covered
GROUP BY segment_id
ORDER BY segment_id;
