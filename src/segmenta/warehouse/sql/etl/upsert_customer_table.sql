-- Demographics from a customer table (staged_customer_table) onto existing customers.
UPDATE dim_customer c
SET gender = coalesce(s.gender, c.gender),
    age = coalesce(s.age, c.age),
    annual_income_k = coalesce(s.annual_income_k, c.annual_income_k),
    spending_score = coalesce(s.spending_score, c.spending_score)
FROM staged_customer_table s
WHERE c.customer_id = s.customer_id;
