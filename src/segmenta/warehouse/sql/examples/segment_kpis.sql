-- title: Segment KPIs
-- One row per segment of the latest model run: customers and their share, revenue (the run's
-- gross revenue feature) and revenue per customer, mean recency and frequency, mean churn
-- probability and the share of customers at high churn risk.
SELECT
    segment_id,
    segment,
    count(*)                                            AS customers,
    round(count(*) / sum(count(*)) OVER (), 3)          AS customer_share,
    round(sum(monetary), 2)                             AS revenue,
    round(sum(monetary) / count(*), 2)                  AS revenue_per_customer,
    round(avg(recency_days), 1)                         AS mean_recency_days,
    round(avg(frequency), 2)                            AS mean_invoices,
    round(avg(churn_probability), 3)                    AS mean_churn_probability,
    round(avg((risk_band = 'high')::INTEGER), 3)        AS high_risk_share
FROM customer_360
GROUP BY segment_id, segment
ORDER BY segment_id;
