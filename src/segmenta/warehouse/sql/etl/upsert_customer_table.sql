-- Demographics from a customer table (staged_customer_table) onto existing customers, fed
-- in customer_key order (an UPDATE in row order is applied in place; see refresh_customers).
UPDATE dim_customer c
SET gender = coalesce(s.gender, c.gender),
    age = coalesce(s.age, c.age),
    annual_income_k = coalesce(s.annual_income_k, c.annual_income_k),
    spending_score = coalesce(s.spending_score, c.spending_score)
FROM (
    SELECT d.customer_key, t.gender, t.age, t.annual_income_k, t.spending_score
    FROM staged_customer_table t
    JOIN dim_customer d ON d.customer_id = t.customer_id
    ORDER BY d.customer_key
) s
WHERE c.customer_key = s.customer_key;
