-- customer_360: one row per customer of the latest model run: who they are, what they do,
-- their segment and churn risk.
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
