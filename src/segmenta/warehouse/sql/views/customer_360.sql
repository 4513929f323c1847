-- customer_360: one row per customer of the latest model run: who they are, what they do,
-- their segment and churn risk.
-- columns:
--   customer_key: dim_customer.customer_key (never 0 here)
--   customer_id = dim_customer.customer_id
--   display_name = dim_customer.display_name
--   country: the customer's country (dim_country.country_name of dim_customer.country_key)
--   iso_alpha3 = dim_country.iso_alpha3
--   gender = dim_customer.gender
--   age = dim_customer.age
--   annual_income_k = dim_customer.annual_income_k
--   spending_score = dim_customer.spending_score
--   first_purchase_at = dim_customer.first_purchase_at
--   last_purchase_at = dim_customer.last_purchase_at
--   customer_features.* EXCLUDE (run_id, customer_key, attributes): the latest run's features
--   segment_id = customer_segment.segment_id
--   segment: the segment's name in force (segment_named.display_label)
--   segment_signature = segment.signature
--   segment_distance = customer_segment.distance
--   pc1 = customer_segment.pc1
--   pc2 = customer_segment.pc2
--   churn_probability: churn_score.churn_probability; NULL in customer-table runs
--   risk_band: churn_score.risk_band ('low' | 'medium' | 'high'); NULL in customer-table runs
--   run_id: the latest model run (latest_run.run_id)
CREATE OR REPLACE VIEW customer_360 AS
WITH
run AS (SELECT run_id, as_of_date FROM latest_run),
features AS (SELECT cf.* FROM customer_features cf JOIN run USING (run_id)),
segments AS (
    SELECT cs.customer_key, cs.segment_id, cs.distance, cs.pc1, cs.pc2,
           sn.display_label AS segment, sn.signature AS segment_signature
    FROM customer_segment cs
    JOIN run USING (run_id)
    JOIN segment_named sn ON sn.run_id = cs.run_id AND sn.segment_id = cs.segment_id
),
churn AS (SELECT cs.customer_key, cs.churn_probability, cs.risk_band
          FROM churn_score cs JOIN run USING (run_id))
SELECT
    c.customer_key, c.customer_id, c.display_name,
    k.country_name AS country, k.iso_alpha3,
    c.gender, c.age, c.annual_income_k, c.spending_score,
    c.first_purchase_at, c.last_purchase_at,
    features.* EXCLUDE (run_id, customer_key, attributes),
    segments.segment_id, segments.segment, segments.segment_signature,
    segments.distance AS segment_distance, segments.pc1, segments.pc2,
    churn.churn_probability, churn.risk_band,
    (SELECT run_id FROM run) AS run_id
FROM segments
JOIN dim_customer c USING (customer_key)
JOIN dim_country k ON k.country_key = c.country_key
LEFT JOIN features USING (customer_key)
LEFT JOIN churn USING (customer_key);
