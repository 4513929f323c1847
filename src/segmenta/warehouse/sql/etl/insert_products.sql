-- New products from staged_products (stock_code, description: the most frequent non-empty one).
INSERT INTO dim_product
SELECT
    (SELECT coalesce(max(product_key), 0) FROM dim_product)
        + row_number() OVER (ORDER BY s.stock_code) AS product_key,
    s.stock_code,
    s.description,
    s.stock_code NOT IN (SELECT unnest($non_products::VARCHAR[])) AS is_product
FROM staged_products s
WHERE s.stock_code NOT IN (SELECT stock_code FROM dim_product);
