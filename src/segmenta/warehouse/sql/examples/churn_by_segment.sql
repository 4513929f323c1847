-- title: Churn by segment
-- One row per segment of the latest model run: customers, mean churn probability, customers
-- in each risk band, and the expected revenue at risk (sum of revenue x churn probability).
SELECT
    segment_id,
    segment,
    count(*)                                                AS customers,
    round(avg(churn_probability), 3)                        AS mean_churn_probability,
    count(*) FILTER (WHERE risk_band = 'high')              AS high_risk,
    count(*) FILTER (WHERE risk_band = 'medium')            AS medium_risk,
    count(*) FILTER (WHERE risk_band = 'low')               AS low_risk,
    round(sum(monetary * churn_probability), 2)             AS revenue_at_risk
FROM customer_360
GROUP BY segment_id, segment
ORDER BY segment_id;
