-- line_id is unique and every fact's keys exist in their dimensions.
WITH
orphans AS (
    SELECT count(*) AS n
    FROM fact_invoice_line f
    LEFT JOIN dim_customer c ON c.customer_key = f.customer_key
    LEFT JOIN dim_product p ON p.product_key = f.product_key
    LEFT JOIN dim_country k ON k.country_key = f.country_key
    LEFT JOIN dim_date d ON d.date_key = f.date_key
    WHERE c.customer_key IS NULL OR p.product_key IS NULL OR k.country_key IS NULL OR d.date_key IS NULL
),
dup_ids AS (SELECT count(*) - count(DISTINCT line_id) AS n FROM fact_invoice_line)
SELECT orphans.n = 0 AND dup_ids.n = 0, format('{} facts with a missing dimension row, {} repeated line ids', orphans.n, dup_ids.n)
FROM orphans, dup_ids;
