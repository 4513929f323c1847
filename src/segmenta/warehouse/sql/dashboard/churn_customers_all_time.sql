-- churn_customers_all_time: churn_customers without a date or country filter: one row per
-- covered customer with a churn score; revenue is the run's gross revenue feature (monetary,
-- the same definition over all their lines, to the penny), so no invoice line is read.
SELECT
    c.customer_key, c.customer_id, c.display_name, c.country, c.segment_id, c.segment,
    c.churn_probability, c.risk_band, round(coalesce(c.monetary, 0), 2) AS revenue
FROM customer_360 c
WHERE {{customer_filter}} AND c.churn_probability IS NOT NULL;
