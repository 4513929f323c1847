-- product_lookup: zero or one row, the product with stock code $stock_code: key, stock code,
-- description.
SELECT p.product_key, p.stock_code, coalesce(p.description, p.stock_code) AS description
FROM dim_product p
WHERE p.stock_code = $stock_code;
