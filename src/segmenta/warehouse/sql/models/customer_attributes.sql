-- customer_attributes (query): one row per (customer, attribute) with a value, for the known,
-- not-excluded customers of dim_customer: its own customer-table columns (gender, age,
-- annual_income_k, spending_score) and the rows of customer_attribute. value_num is NULL for
-- text values, value_text is NULL for numbers.
WITH
people AS (SELECT * FROM dim_customer WHERE customer_key <> 0 AND NOT is_excluded),
own_columns AS (
    SELECT customer_key, 'gender' AS attribute, NULL::DOUBLE AS value_num, gender AS value_text
    FROM people WHERE gender IS NOT NULL
    UNION ALL
    SELECT customer_key, 'age', age::DOUBLE, NULL FROM people WHERE age IS NOT NULL
    UNION ALL
    SELECT customer_key, 'annual_income_k', annual_income_k, NULL
    FROM people WHERE annual_income_k IS NOT NULL
    UNION ALL
    SELECT customer_key, 'spending_score', spending_score, NULL
    FROM people WHERE spending_score IS NOT NULL
),
other_columns AS (
    SELECT a.customer_key, a.attribute, a.value_num, a.value_text
    FROM customer_attribute a
    JOIN people p USING (customer_key)
    WHERE a.value_num IS NOT NULL OR a.value_text IS NOT NULL
)
SELECT * FROM own_columns
UNION ALL
SELECT * FROM other_columns
ORDER BY customer_key, attribute;
