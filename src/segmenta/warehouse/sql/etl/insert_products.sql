-- New products from the staged lines; description = the most frequent non-empty one.
INSERT INTO dim_product
WITH
staged AS (SELECT stock_code, description FROM staged_lines),
new_codes AS (
    SELECT stock_code, mode(nullif(trim(description), '')) AS description
    FROM staged
    WHERE stock_code NOT IN (SELECT stock_code FROM dim_product)
    GROUP BY stock_code
)
SELECT
    (SELECT coalesce(max(product_key), 0) FROM dim_product)
        + row_number() OVER (ORDER BY stock_code) AS product_key,
    stock_code,
    description,
    stock_code NOT IN (SELECT unnest($non_products::VARCHAR[])) AS is_product
FROM new_codes;
