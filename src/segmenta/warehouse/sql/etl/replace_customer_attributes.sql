-- Other customer-table columns (staged_attributes, long format) replace earlier values.
DELETE FROM customer_attribute
WHERE (customer_key, attribute) IN (
    SELECT (c.customer_key, s.attribute)
    FROM staged_attributes s JOIN dim_customer c ON c.customer_id = s.customer_id
);
INSERT INTO customer_attribute
SELECT c.customer_key, s.attribute, s.value_num, s.value_text
FROM staged_attributes s
JOIN dim_customer c ON c.customer_id = s.customer_id;
